// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PulumiScim.Model;
using PulumiScim.Session;

namespace PulumiScim.Storage;

/// <summary>Schema backups and exports: the schema JSON as Graph returned it, indented, UTF-8.</summary>
internal static class SchemaFiles
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    /// <summary>The default backup folder of real tenants: the user's data folder, PulumiScim/backups.</summary>
    public static string DefaultBackupDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "PulumiScim", "backups");

    /// <summary>
    /// Where a session's backups go without -BackupPath: one folder per tenant id under <see cref="DefaultBackupDirectory"/>;
    /// for a sandbox, a folder of that sandbox (by port) in the temporary folder, never beside real tenants' backups.
    /// </summary>
    public static string DefaultBackupDirectoryFor(ScimGraphSession session)
    {
        string tenant = SafeName(session.TenantId ?? "unknown-tenant");
        return session.IsSandbox
            ? Path.Combine(Path.GetTempPath(), "PulumiScim", "sandbox-backups", $"sandbox-{session.GraphEndpoint.Port}", tenant)
            : Path.Combine(DefaultBackupDirectory, tenant);
    }

    /// <summary>Writes <paramref name="schema"/> to a new timestamped file in <paramref name="directory"/> (default: <see cref="DefaultBackupDirectoryFor"/>); returns its path.</summary>
    public static string SaveBackup(ScimApplication app, JsonObject schema, string? directory)
    {
        string dir = directory ?? DefaultBackupDirectoryFor(app.Session);
        Directory.CreateDirectory(dir);
        string safeName = SafeName(app.DisplayName);
        string stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        string path = Path.Combine(dir, $"{safeName}-{app.ServicePrincipalId}-{stamp}.schema.json");
        for (int i = 1; File.Exists(path); i++)
        {
            path = Path.Combine(dir, $"{safeName}-{app.ServicePrincipalId}-{stamp}-{i}.schema.json");
        }

        Write(path, schema, overwrite: false);
        return path;
    }

    private static string SafeName(string name) => new(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());

    /// <summary>Writes a schema file.</summary>
    public static void Write(string path, JsonObject schema, bool overwrite)
    {
        using var stream = new FileStream(path, overwrite ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.None);
        byte[] bytes = Encoding.UTF8.GetBytes(schema.ToJsonString(s_indented));
        stream.Write(bytes);
    }

    /// <summary>Reads a schema file and checks it is a synchronizationSchema.</summary>
    /// <exception cref="InvalidDataException">The file is not JSON, or not a schema.</exception>
    public static JsonObject Read(string path)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"'{path}' is not JSON ({ex.Message}).", ex);
        }

        if (node is not JsonObject schema || schema["synchronizationRules"] is not JsonArray || schema["directories"] is not JsonArray)
        {
            throw new InvalidDataException($"'{path}' is JSON but not a synchronization schema: it needs 'directories' and 'synchronizationRules' arrays.");
        }

        schema.Remove("@odata.context");
        return schema;
    }
}
