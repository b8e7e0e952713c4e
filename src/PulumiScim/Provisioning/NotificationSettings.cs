// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Nodes;

namespace PulumiScim.Provisioning;

/// <summary>
/// The <c>SyncNotificationSettings</c> secret: e-mail on quarantine ("Send an email notification when a failure
/// occurs") and the accidental-deletions threshold, stored as a JSON string such as
/// <c>{"Enabled":true,"Recipients":"ops@contoso.com","DeleteThresholdEnabled":false}</c>.
/// </summary>
/// <param name="Enabled">Whether failure e-mails are sent.</param>
/// <param name="Recipients">The recipients, separated by <c>;</c> or <c>,</c> (only with <paramref name="Enabled"/>).</param>
/// <param name="DeleteThresholdEnabled">Whether accidental-deletions prevention is on.</param>
/// <param name="DeleteThresholdValue">The deletions threshold (only with <paramref name="DeleteThresholdEnabled"/>).</param>
internal sealed record NotificationSettings(bool Enabled, string? Recipients = null, bool DeleteThresholdEnabled = false, int? DeleteThresholdValue = null)
{
    private static readonly char[] s_separators = [';', ','];

    /// <summary>No e-mail and no deletions threshold: <c>{"Enabled":false,"DeleteThresholdEnabled":false}</c>.</summary>
    public static NotificationSettings None { get; } = new(false);

    /// <summary>Failure e-mails to <paramref name="recipients"/>, no deletions threshold.</summary>
    /// <param name="recipients">One or more addresses separated by <c>;</c> or <c>,</c>.</param>
    /// <exception cref="ArgumentException">No address, or one without <c>@</c>.</exception>
    public static NotificationSettings Email(string recipients)
    {
        var addresses = Split(recipients);
        if (addresses.Count == 0 || addresses.Any(address => !address.Contains('@', StringComparison.Ordinal) || address.Any(char.IsWhiteSpace)))
        {
            throw new ArgumentException($"'{recipients}' is not a list of e-mail addresses (separate several with ';').", nameof(recipients));
        }

        return new NotificationSettings(true, string.Join(';', addresses));
    }

    /// <summary>Reads the secret's value; <see langword="null"/> when it is absent, masked or not such JSON.</summary>
    /// <param name="json">The value of the <c>SyncNotificationSettings</c> secret as read back.</param>
    public static NotificationSettings? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            if (JsonNode.Parse(json) is not JsonObject obj || SchemaJson.GetBool(obj, nameof(Enabled)) is not { } enabled)
            {
                return null;
            }

            var threshold = SchemaJson.GetNumber(obj, nameof(DeleteThresholdValue));
            return new NotificationSettings(
                enabled,
                SchemaJson.GetString(obj, nameof(Recipients)),
                SchemaJson.GetBool(obj, nameof(DeleteThresholdEnabled)) ?? false,
                threshold is { } value ? (int)value : null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The secret's value: <c>{"Enabled":...,"Recipients":...,"DeleteThresholdEnabled":...,"DeleteThresholdValue":...}</c>, recipients and value only when on.</summary>
    public string ToJson()
    {
        var obj = new JsonObject { [nameof(Enabled)] = Enabled };
        if (Enabled)
        {
            obj[nameof(Recipients)] = Recipients ?? string.Empty;
        }

        obj[nameof(DeleteThresholdEnabled)] = DeleteThresholdEnabled;
        if (DeleteThresholdEnabled && DeleteThresholdValue is { } value)
        {
            obj[nameof(DeleteThresholdValue)] = value;
        }

        return obj.ToJsonString();
    }

    /// <summary>
    /// Whether these settings have the same effect as <paramref name="other"/>: recipients compare as a set without
    /// regard to case or separators; recipients and threshold value count only when switched on.
    /// </summary>
    public bool SameEffectAs(NotificationSettings other)
        => Enabled == other.Enabled
            && (!Enabled || Split(Recipients).ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(Split(other.Recipients)))
            && DeleteThresholdEnabled == other.DeleteThresholdEnabled
            && (!DeleteThresholdEnabled || DeleteThresholdValue == other.DeleteThresholdValue);

    /// <summary>For humans: <c>none</c>, <c>e-mail ops@contoso.com</c>, plus the deletions threshold when on.</summary>
    public string Describe()
    {
        var text = Enabled ? $"e-mail {string.Join(";", Split(Recipients))}" : "no e-mail";
        return DeleteThresholdEnabled ? $"{text}, delete threshold {DeleteThresholdValue?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(default)"}" : text;
    }

    private static List<string> Split(string? recipients)
        => (recipients ?? string.Empty).Split(s_separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
