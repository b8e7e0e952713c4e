// Copyright (c) PulumiScim contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Sockets;

namespace PulumiScim.Sandbox.Tests;

/// <summary>Ports on 127.0.0.1 for tests.</summary>
internal static class Ports
{
    /// <summary>A port nothing listens on right now (the system picks it; the probe is closed before it returns).</summary>
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
