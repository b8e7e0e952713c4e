// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;

namespace PulumiScim.Graph;

/// <summary>A Graph request that answered an error (after retries). The message never carries a request body.</summary>
public sealed class GraphRequestException : Exception
{
    internal GraphRequestException(HttpMethod method, string path, HttpStatusCode status, string? code, string? graphMessage, string? requestId)
        : base(Describe(method, path, status, code, graphMessage))
    {
        Method = method.Method;
        Path = path;
        StatusCode = status;
        Code = code;
        GraphMessage = graphMessage;
        RequestId = requestId;
    }

    internal GraphRequestException(string message, Exception? inner, string method, string path)
        : base(message, inner)
    {
        Method = method;
        Path = path;
    }

    /// <summary>The HTTP method.</summary>
    public string Method { get; }

    /// <summary>The request path (no query string: filters can name people).</summary>
    public string Path { get; }

    /// <summary>The HTTP status; 0 when no answer came.</summary>
    public HttpStatusCode StatusCode { get; internal init; }

    /// <summary>Graph's error code (e.g. Request_ResourceNotFound).</summary>
    public string? Code { get; internal init; }

    /// <summary>Graph's error message.</summary>
    public string? GraphMessage { get; }

    /// <summary>Graph's request-id, for Microsoft support.</summary>
    public string? RequestId { get; }

    /// <summary>Whether the connection broke before an answer came, so a write may or may not have been applied.</summary>
    internal bool ConnectionFailed { get; init; }

    private static string Describe(HttpMethod method, string path, HttpStatusCode status, string? code, string? message) =>
        $"Microsoft Graph answered {(int)status} {code ?? status.ToString()} to {method.Method} {path}: {message ?? "(no message)"}";
}
