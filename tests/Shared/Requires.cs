using System.Runtime.InteropServices;

namespace MinerWatch.Tests;

/// <summary>
/// Tests that need a part from outside the .NET SDK (libpcap, a database server, a browser) call these first: where
/// the part is missing the test reports itself skipped, saying what is missing and the command that installs it. With
/// MINERWATCH_REQUIRE_ALL=1 (as CI sets it, after installing every part) a missing part fails the test instead, so
/// CI can never pass by skipping.
/// </summary>
internal static class Requires
{
    public const string StrictVariable = "MINERWATCH_REQUIRE_ALL";

    public static void That(bool available, string missing, string install)
    {
        if (available) return;
        var message = $"{missing}; to run this test: {install}";
        if (Environment.GetEnvironmentVariable(StrictVariable) == "1") Assert.Fail($"{message} ({StrictVariable}=1 turns this skip into a failure)");
        Assert.Skip(message);
    }

    /// <summary>libpcap (Debian's libpcap0.8), as SharpPcap loads it.</summary>
    public static void Libpcap()
    {
        var found = new[] { "libpcap.so.0.8", "libpcap.so.1", "libpcap.so" }.Any(name =>
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) return false;
            NativeLibrary.Free(handle);
            return true;
        });
        That(found, "libpcap is not installed", "apt-get install libpcap0.8");
    }

    /// <summary>libpcap and the right to capture on an interface (root or CAP_NET_RAW).</summary>
    public static void LiveCapture()
    {
        Libpcap();
        That(Environment.IsPrivilegedProcess, "capturing on an interface needs root (or CAP_NET_RAW)", "run the tests as root, as CI does");
    }

    public const string PostgresVariable = "MINERWATCH_TEST_POSTGRES";

    /// <summary>A PostgreSQL server for the database tests; returns its connection string (without a database).</summary>
    public static string Postgres()
    {
        var connection = Environment.GetEnvironmentVariable(PostgresVariable);
        That(!string.IsNullOrWhiteSpace(connection), $"no PostgreSQL server is configured ({PostgresVariable} is unset)",
            $"apt-get install postgresql, start a server on 127.0.0.1 as .ci/run does, and set {PostgresVariable}='Host=127.0.0.1;Port=5432;Username=postgres'");
        return connection!;
    }

    /// <summary>Debian's Chromium, which the browser tests drive through Playwright (no browser is downloaded).</summary>
    public static string Chromium()
    {
        const string path = "/usr/bin/chromium";
        That(File.Exists(path), "Chromium is not installed at /usr/bin/chromium", "apt-get install chromium");
        return path;
    }
}
