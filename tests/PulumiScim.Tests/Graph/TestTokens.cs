// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Security;
using PulumiScim.Session;

namespace PulumiScim.Tests.Graph;

/// <summary>Test tokens for the Graph door's tests: SecureStrings and token sources over them.</summary>
internal static class TestTokens
{
    /// <summary>A new SecureString holding <paramref name="s"/>; the caller disposes it.</summary>
    public static SecureString Secure(string s)
    {
        var ss = new SecureString();
        foreach (char c in s)
        {
            ss.AppendChar(c);
        }

        return ss;
    }

    /// <summary>A token source over a copy of "tok"; the SecureString it was made from is disposed here.</summary>
    public static SecureStringTokenSource Tokens()
    {
        using SecureString token = Secure("tok");
        return new SecureStringTokenSource(token);
    }
}
