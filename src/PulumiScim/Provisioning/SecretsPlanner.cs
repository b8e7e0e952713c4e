// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using PulumiScim.Model;

namespace PulumiScim.Provisioning;

/// <summary>What a <see cref="SecretChange"/> changes in the job's saved credentials and settings.</summary>
public enum SecretChangeKind
{
    /// <summary>The Tenant URL (<c>BaseAddress</c>).</summary>
    SetBaseAddress,

    /// <summary>The Secret Token (<c>SecretToken</c>): none saved, or the saved one does not validate.</summary>
    SetSecretToken,

    /// <summary>The scope (<c>SyncAll</c>): <c>false</c> = sync only assigned users and groups.</summary>
    SetSyncAll,

    /// <summary>The failure e-mail and deletions threshold (<c>SyncNotificationSettings</c>).</summary>
    SetNotificationSettings,
}

/// <summary>One change to the job's secrets, as data. Never carries the Secret Token.</summary>
/// <param name="Kind">What the change sets.</param>
/// <param name="Key">The secret's key, e.g. <c>BaseAddress</c>.</param>
/// <param name="Before">The value read back (<c>(none)</c> when absent); for the token only a state.</param>
/// <param name="After">The value to write; for the token only <c>(set)</c> or <c>(replaced)</c>.</param>
/// <param name="Description">One line for -WhatIf and drift reports, e.g. <c>SyncAll (scope): true -> false</c>.</param>
public sealed record SecretChange(SecretChangeKind Kind, string Key, string? Before, string? After, string Description)
{
    /// <summary>Returns <see cref="Description"/>.</summary>
    /// <returns>The human-readable line.</returns>
    public override string ToString() => Description;
}

/// <summary>
/// The secrets write a job needs, as data: the changes and checks, and the body of the one
/// <c>PUT .../synchronization/secrets</c> that makes them. The Secret Token is never held here: the caller passes it to
/// <see cref="BuildPutBody"/> at the last moment.
/// </summary>
internal sealed class SecretsPlan
{
    private readonly string _baseAddress;
    private readonly bool _syncAll;
    private readonly NotificationSettings _notifications;

    /// <summary>Creates a plan; see <see cref="SecretsPlanner.Plan"/>.</summary>
    public SecretsPlan(string baseAddress, bool syncAll, NotificationSettings notifications, IReadOnlyList<SecretChange> changes,
        IReadOnlyList<ScimConfigurationCheck> checks, IReadOnlyList<KeyValuePair<string, string>> preserved, IReadOnlyList<string> dropped)
    {
        _baseAddress = baseAddress;
        _syncAll = syncAll;
        _notifications = notifications;
        Changes = changes;
        Checks = checks;
        Preserved = preserved;
        Dropped = dropped;
    }

    /// <summary>The changes, in the order of the secrets in the PUT body.</summary>
    public IReadOnlyList<SecretChange> Changes { get; }

    /// <summary>The checks, as found in the secrets read back; each failed check has a change.</summary>
    public IReadOnlyList<ScimConfigurationCheck> Checks { get; }

    /// <summary>Other readable secrets read back, re-sent unchanged in the PUT (the PUT replaces all secrets).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Preserved { get; }

    /// <summary>
    /// Keys read back that the PUT will drop: masked values that cannot be re-sent, and <c>Oauth2*</c> keys, which must
    /// not be mixed with a Secret Token. The caller should warn about them.
    /// </summary>
    public IReadOnlyList<string> Dropped { get; }

    /// <summary>The pairs the PUT writes as Graph shows them afterwards: the Secret Token masked.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Written =>
    [
        new(SecretsPlanner.BaseAddressKey, _baseAddress),
        new(SecretsPlanner.SecretTokenKey, "*****"),
        new(SecretsPlanner.NotificationSettingsKey, _notifications.ToJson()),
        new(SecretsPlanner.SyncAllKey, _syncAll ? "true" : "false"),
        .. Preserved.Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value)),
    ];

    /// <summary>Whether the saved secrets already are the wanted ones and validate: nothing to write.</summary>
    public bool IsEmpty => Changes.Count == 0;

    /// <summary>
    /// Whether the write needs the Secret Token: always when there is a write, since Graph masks the saved token and
    /// has no PATCH for secrets.
    /// </summary>
    public bool RequiresSecretToken => !IsEmpty;

    /// <summary>One line for humans: the changes' descriptions joined with <c>; </c>, or <c>no changes</c>.</summary>
    public string Summary => IsEmpty ? "no changes" : string.Join("; ", Changes.Select(change => change.Description));

    /// <summary>
    /// Why the token is needed, for the error when the caller has none, e.g. "The provisioning credentials must be
    /// rewritten (SyncAll (scope): true -> false), ...".
    /// </summary>
    public string TokenRequiredMessage
        => $"The provisioning credentials must be rewritten ({Summary}), and Microsoft Graph has no way to keep the saved Secret Token: " +
            "it masks the token when read and replaces all secrets on write. Pass the Pulumi SCIM token (Pulumi Cloud: Settings > Access Management > SCIM).";

    /// <summary>Returns <see cref="Summary"/>.</summary>
    /// <returns>The one-line summary.</returns>
    public override string ToString() => Summary;

    /// <summary>
    /// Writes the PUT body <c>{"value":[BaseAddress, SecretToken, SyncNotificationSettings, SyncAll, ...preserved]}</c>
    /// as UTF-8. The token goes straight from <paramref name="secretToken"/> into the returned bytes and nowhere else;
    /// the caller should clear the array (<see cref="Array.Clear(Array)"/>) once the request is sent.
    /// </summary>
    /// <param name="secretToken">The Pulumi SCIM token.</param>
    /// <returns>The request body.</returns>
    /// <exception cref="ArgumentException">The token is empty or blank.</exception>
    public byte[] BuildPutBody(ReadOnlySpan<char> secretToken)
    {
        if (secretToken.IsWhiteSpace())
        {
            throw new ArgumentException("The Secret Token is empty.", nameof(secretToken));
        }

        // One buffer sized up front, so no partial copy of the token is left behind by a resize; cleared after copying.
        var buffer = new ArrayBufferWriter<byte>(1024 + (secretToken.Length * 6) + Preserved.Sum(pair => (pair.Key.Length + pair.Value.Length) * 6));
        try
        {
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                writer.WriteStartArray("value");
                Pair(writer, SecretsPlanner.BaseAddressKey, _baseAddress);
                Pair(writer, SecretsPlanner.SecretTokenKey, secretToken);
                Pair(writer, SecretsPlanner.NotificationSettingsKey, _notifications.ToJson());
                Pair(writer, SecretsPlanner.SyncAllKey, _syncAll ? "true" : "false");
                foreach (var (key, value) in Preserved)
                {
                    Pair(writer, key, value);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            buffer.Clear();
        }

        static void Pair(Utf8JsonWriter writer, string key, ReadOnlySpan<char> value)
        {
            writer.WriteStartObject();
            writer.WriteString("key", key);
            writer.WriteString("value", value);
            writer.WriteEndObject();
        }
    }
}

/// <summary>
/// Decides whether the job's secrets (Tenant URL, Secret Token, scope, notification settings) need the one
/// <c>PUT .../synchronization/secrets</c>, from what <c>GET .../synchronization/secrets</c> reads back.
/// </summary>
internal static class SecretsPlanner
{
    /// <summary>The Tenant URL key.</summary>
    public const string BaseAddressKey = "BaseAddress";

    /// <summary>The Secret Token key.</summary>
    public const string SecretTokenKey = "SecretToken";

    /// <summary>The scope key: <c>"false"</c> = sync only assigned users and groups.</summary>
    public const string SyncAllKey = "SyncAll";

    /// <summary>The failure e-mail and deletions threshold key.</summary>
    public const string NotificationSettingsKey = "SyncNotificationSettings";

    private static readonly string[] s_managedKeys = [BaseAddressKey, SecretTokenKey, SyncAllKey, NotificationSettingsKey];

    /// <summary>Reads the key/value pairs of a secrets GET response (<c>{"value":[{"key":..,"value":..}]}</c> or the bare array).</summary>
    /// <param name="response">The response body.</param>
    /// <returns>The pairs in order; values that are not strings read as their JSON text.</returns>
    public static IReadOnlyList<KeyValuePair<string, string?>> ReadSecrets(JsonNode? response)
    {
        var array = response as JsonArray ?? (response as JsonObject)?["value"] as JsonArray;
        return array is null
            ? []
            : array.OfType<JsonObject>()
                .Where(pair => SchemaJson.GetString(pair, "key") is not null)
                .Select(pair => new KeyValuePair<string, string?>(
                    SchemaJson.GetString(pair, "key")!,
                    pair["value"] is null ? null : SchemaJson.RenderValue(pair["value"])))
                .ToList();
    }

    /// <summary>Plans the secrets write.</summary>
    /// <param name="current">The secrets as read back; secret values are masked (<c>*</c>).</param>
    /// <param name="baseAddress">The wanted Tenant URL, e.g. from <see cref="PulumiNames.BuildTenantUrl"/>.</param>
    /// <param name="syncAll">The wanted scope: <see langword="false"/> = sync only assigned users and groups (the guide).</param>
    /// <param name="notifications">The wanted notification settings.</param>
    /// <param name="credentialsValidate">
    /// <see langword="true"/> when the job's saved credentials validate (<c>validateCredentials</c> with
    /// <c>useSavedCredentials</c>) and, if the caller has a token, that token validates too. Pulumi keeps one valid SCIM
    /// token per organization, so both validating means the saved token is that token and need not be rewritten.
    /// <see langword="false"/> when they fail or were not tested.
    /// </param>
    /// <returns>The plan; empty when nothing needs writing.</returns>
    public static SecretsPlan Plan(IEnumerable<KeyValuePair<string, string?>> current, string baseAddress, bool syncAll,
        NotificationSettings notifications, bool credentialsValidate)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseAddress);
        ArgumentNullException.ThrowIfNull(notifications);

        var read = current.ToList();
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in read)
        {
            values[key] = value;
        }

        var changes = new List<SecretChange>();
        var checks = new List<ScimConfigurationCheck>();

        var savedAddress = values.GetValueOrDefault(BaseAddressKey);
        var addressText = IsMasked(savedAddress) ? "(masked)" : Show(savedAddress);
        Record("Tenant URL (BaseAddress)", baseAddress, addressText, SameBaseAddress(savedAddress, baseAddress),
            "The Tenant URL is https://api.pulumi.com/scim/v2/{orgName}, with the organization's login name.",
            SecretChangeKind.SetBaseAddress, BaseAddressKey, baseAddress, $"{BaseAddressKey}: {addressText} -> {baseAddress}");

        var hasToken = !string.IsNullOrEmpty(values.GetValueOrDefault(SecretTokenKey));
        var tokenState = !hasToken ? "(none)" : credentialsValidate ? "(saved, validates)" : "(saved, does not validate)";
        Record("Secret Token", "(saved, validates)", tokenState, hasToken && credentialsValidate,
            "Generate the SCIM token in Pulumi Cloud (Settings > Access Management > SCIM); regenerating it invalidates the saved one.",
            SecretChangeKind.SetSecretToken, SecretTokenKey, hasToken ? "(replaced)" : "(set)",
            hasToken ? $"{SecretTokenKey}: (replaced)" : $"{SecretTokenKey}: (none) -> (set)");

        var savedSyncAll = values.GetValueOrDefault(SyncAllKey);
        var wantedSyncAll = syncAll ? "true" : "false";
        var syncAllText = Show(savedSyncAll);
        Record("Scope (SyncAll)", wantedSyncAll, syncAllText, bool.TryParse(savedSyncAll?.Trim(), out var parsed) && parsed == syncAll,
            "The guide syncs only assigned users and groups (SyncAll false), not everyone in the directory.",
            SecretChangeKind.SetSyncAll, SyncAllKey, wantedSyncAll, $"{SyncAllKey} (scope): {syncAllText} -> {wantedSyncAll}");

        var savedSettings = NotificationSettings.Parse(values.GetValueOrDefault(NotificationSettingsKey));
        var settingsText = savedSettings?.Describe() ?? Show(values.GetValueOrDefault(NotificationSettingsKey));
        Record("Notifications (SyncNotificationSettings)", notifications.Describe(), settingsText, savedSettings?.SameEffectAs(notifications) == true,
            "Entra e-mails these recipients when the job fails or is quarantined.",
            SecretChangeKind.SetNotificationSettings, NotificationSettingsKey, notifications.Describe(),
            $"{NotificationSettingsKey}: {settingsText} -> {notifications.Describe()}");

        var (preserved, dropped) = Others(read);
        return new SecretsPlan(baseAddress, syncAll, notifications, changes, checks, preserved, dropped);

        void Record(string name, string expected, string actual, bool passed, string hint,
            SecretChangeKind kind, string key, string after, string description)
        {
            checks.Add(new ScimConfigurationCheck(name, expected, actual, passed, hint));
            if (!passed)
            {
                changes.Add(new SecretChange(kind, key, actual, after, description));
            }
        }
    }

    /// <summary>
    /// The secrets the module does not manage: readable ones are re-sent unchanged (the PUT replaces all secrets);
    /// masked values and <c>Oauth2*</c> keys are dropped.
    /// </summary>
    private static (List<KeyValuePair<string, string>> Preserved, List<string> Dropped) Others(IEnumerable<KeyValuePair<string, string?>> read)
    {
        var preserved = new List<KeyValuePair<string, string>>();
        var dropped = new List<string>();
        foreach (var (key, value) in read)
        {
            if (s_managedKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (value is null || IsMasked(value) || key.StartsWith("Oauth2", StringComparison.OrdinalIgnoreCase))
            {
                dropped.Add(key);
            }
            else
            {
                preserved.Add(new KeyValuePair<string, string>(key, value));
            }
        }

        return (preserved, dropped);
    }

    /// <summary>
    /// Whether two Tenant URLs address the same endpoint: scheme and host without regard to case, path exactly,
    /// a trailing slash ignored.
    /// </summary>
    public static bool SameBaseAddress(string? left, string? right)
    {
        if (!Uri.TryCreate(left?.Trim(), UriKind.Absolute, out var a) || !Uri.TryCreate(right?.Trim(), UriKind.Absolute, out var b))
        {
            return false;
        }

        return Uri.Compare(a, b, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
            && string.Equals(a.AbsolutePath.TrimEnd('/'), b.AbsolutePath.TrimEnd('/'), StringComparison.Ordinal)
            && a.Query == b.Query;
    }

    /// <summary>Whether a value read back is masked (only <c>*</c> characters).</summary>
    private static bool IsMasked(string? value) => !string.IsNullOrEmpty(value) && value.All(character => character == '*');

    private static string Show(string? value) => string.IsNullOrEmpty(value) ? "(none)" : value;
}
