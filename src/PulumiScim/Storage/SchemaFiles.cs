// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PulumiScim.Model;

namespace PulumiScim.Storage;

/// <summary>Schema backups and exports: the schema JSON as Graph returned it, indented, UTF-8.</summary>
internal static class SchemaFiles
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    /// <summary>The default backup folder: the user's data folder, PulumiScim/backups.</summary>
    public static string DefaultBackupDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "PulumiScim", "backups");

    /// <summary>Writes <paramref name="schema"/> to a new timestamped file in <paramref name="directory"/>; returns its path.</summary>
    public static string SaveBackup(ScimApplication app, JsonObject schema, string? directory)
    {
        string dir = directory ?? DefaultBackupDirectory;
        Directory.CreateDirectory(dir);
        string safeName = new(app.DisplayName.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
        string stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        string path = Path.Combine(dir, $"{safeName}-{app.ServicePrincipalId}-{stamp}.schema.json");
        for (int i = 1; File.Exists(path); i++)
        {
            path = Path.Combine(dir, $"{safeName}-{app.ServicePrincipalId}-{stamp}-{i}.schema.json");
        }

        Write(path, schema, overwrite: false);
        return path;
    }

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
