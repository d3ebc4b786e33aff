using System.Diagnostics;
using System.Runtime.InteropServices;
using MinerWatch.Evidence.Log;
using MinerWatch.Evidence.Notes;

namespace MinerWatch.Evidence.Tests;

/// <summary>
/// An auditor's copy on read-only media: the read commands run as a user who may not write anything in the log's
/// directory, and succeed. (Root may write anywhere, so the commands run as `nobody` through runuser.)
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ReadOnlyMediaTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"read-only-{Guid.NewGuid():N}");
    private string? _program;

    public ReadOnlyMediaTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        foreach (var path in Directory.GetFileSystemEntries(_dir, "*", SearchOption.AllDirectories).Append(_dir))
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(_dir, recursive: true);
        if (_program is not null) Directory.Delete(_program, recursive: true);
    }

    [Fact]
    public void Verify_prove_checkpoint_and_consistency_work_where_nothing_can_be_written()
    {
        MinerWatch.Tests.Requires.That(OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess && File.Exists("/usr/sbin/runuser"),
            "running a command as another user needs Linux, root and runuser", "run the tests as root on Linux, as CI does");
        var keyFile = Path.Combine(_dir, "log.key");
        using (var key = SignerKey.Generate("audit.example/log")) File.WriteAllText(keyFile, key.ToString());
        var logDir = Path.Combine(_dir, "log");
        using (var log = EvidenceLog.Init(logDir, "audit.example/log", keyFile))
        {
            log.Append([EvidenceLogTests.Entry(0), EvidenceLogTests.Entry(1)]);
            log.Append([EvidenceLogTests.Entry(2)]);
        }
        // Files readable by all, writable by none; directories traversable, not writable.
        const UnixFileMode read = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        const UnixFileMode traverse = read | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        foreach (var file in Directory.GetFiles(logDir)) File.SetUnixFileMode(file, read);
        File.SetUnixFileMode(logDir, traverse);
        File.SetUnixFileMode(_dir, traverse);
        var before = TamperTests.Snapshot(logDir);

        foreach (var (args, expected) in new[]
        {
            (new[] { "verify", "--log", logDir }, "valid: 3 entries, every hash, checkpoint and cosignature checks out"),
            (["prove", "--log", logDir, "--index", "1"], "c2sp.org/tlog-proof@v1"),
            (["checkpoint", "--log", logDir], "audit.example/log\n3\n"),
            (["consistency", "--log", logDir, "--from", "2"], ""),
        })
        {
            var (code, output, error) = AsNobody(["evidence", .. args]);
            Assert.True(code == 0, $"evidence {args[0]}: exit {code}: {error}");
            Assert.StartsWith(expected, output);
        }
        var (refused, said, _) = AsNobody(["evidence", "verify", "--log", Path.Combine(_dir, "missing")]);
        Assert.Equal(2, refused);
        Assert.Equal($"NOT valid:\n  {Path.Combine(_dir, "missing")} holds no log (no config.json); create one with 'evidence init'\n", said);
        Assert.Equal(before, TamperTests.Snapshot(logDir));
    }

    /// <summary>
    /// The command as `nobody`, from a copy of the program that user can read (the build's own directory may sit
    /// where only its owner can enter).
    /// </summary>
    private (int Code, string Out, string Err) AsNobody(string[] args)
    {
        _program ??= CopyProgram();
        var start = new ProcessStartInfo("/usr/sbin/runuser") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-u", "nobody", "--", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "dotnet", Path.Combine(_program, "minerwatch.dll") }.Concat(args))
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error);
    }

    private static string CopyProgram()
    {
        var program = Path.Combine(Path.GetTempPath(), $"read-only-program-{Guid.NewGuid():N}");
        Directory.CreateDirectory(program);
        foreach (var file in Directory.GetFiles(AppContext.BaseDirectory)) File.Copy(file, Path.Combine(program, Path.GetFileName(file)));
        var native = Path.Combine("runtimes", RuntimeInformation.RuntimeIdentifier, "native");
        if (Directory.Exists(Path.Combine(AppContext.BaseDirectory, native)))
        {
            Directory.CreateDirectory(Path.Combine(program, native));
            foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, native))) File.Copy(file, Path.Combine(program, native, Path.GetFileName(file)));
        }
        foreach (var entry in Directory.GetFileSystemEntries(program, "*", SearchOption.AllDirectories).Append(program))
            File.SetUnixFileMode(entry, File.GetUnixFileMode(entry) | UnixFileMode.OtherRead | UnixFileMode.GroupRead | (Directory.Exists(entry) ? UnixFileMode.OtherExecute | UnixFileMode.GroupExecute : 0));
        return program;
    }
}
