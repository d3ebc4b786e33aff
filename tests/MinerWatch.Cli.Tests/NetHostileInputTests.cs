using System.Diagnostics;

namespace MinerWatch.Cli.Tests;

/// <summary>Hostile or mistaken input to `net scan` and `net live`: the exit code and the whole message.</summary>
public class NetHostileInputTests
{
    private static readonly string MiningCapture = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../MinerWatch.Network.Tests/Captures/ndpi-mining.pcapng"));
    private const string PoolAdvice = "; write one pool domain (pool.example.com), IP address or IP:port (192.0.2.1:3333, [2001:db8::1]:3333) a line";

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>
    /// {file} is a file holding <c>content</c> (\u0001 and the like kept as bytes), {capture} the real mining capture.
    /// </summary>
    [Theory]
    [InlineData("live --interface lo --duration 1e308", null, "error: --duration 1E+308: give more than 0 and at most 4294967 seconds (49.7 days), or leave it out to run until interrupted")]
    [InlineData("live --interface lo --duration NaN", null, "error: option '--duration': 'NaN' is not a number (with '.' as the decimal point)\nRun 'minerwatch --help' (or '<command> --help') for usage.")]
    [InlineData("live --interface lo --duration 0", null, "error: --duration 0: give more than 0 and at most 4294967 seconds (49.7 days), or leave it out to run until interrupted")]
    [InlineData("scan {capture} --pools {file}", "999.1.1.1:3333\n", "error: --pools {file}:1: '999.1.1.1:3333' is not an IPv4 address: 999 is beyond 255" + PoolAdvice)]
    [InlineData("scan {capture} --pools {file}", "# pools\npool.example.com\n\u0001\u00ff\u0013binary\n", "error: --pools {file}:3: column 1 is a control character or a byte that is not UTF-8 text: this is not a list of pools" + PoolAdvice)]
    [InlineData("scan {capture} --pools {file}", "pool.example.com:99999\n", "error: --pools {file}:1: 'pool.example.com:99999' has port '99999', not a port 1-65535" + PoolAdvice)]
    [InlineData("scan {file}", "hello", "error: {file}: not a pcap or pcapng capture, nor a Zeek or Suricata log (first bytes 68656C6C)")]
    [InlineData("scan {file}", "", "error: {file}: too short to be a capture (0 bytes)")]
    [InlineData("scan /nonexistent/capture.pcap", null, "error: /nonexistent/capture.pcap: no such file (give capture or log files, or - to read standard input)")]
    [InlineData("scan - -", null, "error: - (standard input) is given more than once: it can be read only once")]
    public void Hostile_input_exits_2_with_what_where_and_what_to_do(string args, string? content, string message)
    {
        var file = Path.Combine(Path.GetTempPath(), $"net-hostile-{Guid.NewGuid():N}");
        if (content is not null) File.WriteAllBytes(file, [.. content.Select(c => (byte)c)]);
        try
        {
            var argv = args.Split(' ').Select(a => a.Replace("{file}", file).Replace("{capture}", MiningCapture)).Prepend("net").ToArray();

            var (code, output, err) = Run(argv);

            Assert.Equal(2, code);
            Assert.Equal(message.Replace("{file}", file) + Environment.NewLine, err);
            Assert.Empty(output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_pcapng_cut_by_a_corrupt_block_length_says_where_and_reads_on()
    {
        var file = Path.Combine(Path.GetTempPath(), $"net-cut-{Guid.NewGuid():N}.pcapng");
        var bytes = File.ReadAllBytes(MiningCapture);
        // Packet 336 of 673 is block 338, at byte 78828.
        BitConverter.GetBytes(0xFFFFFFFFu).CopyTo(bytes, 78828 + 4);
        File.WriteAllBytes(file, bytes);
        try
        {
            var (code, output, _) = Run("net", "scan", file);

            Assert.Equal(0, code);
            Assert.EndsWith($"4 findings on 3 hosts; read 1 files, 672 packets, 218,987 bytes, 4 TCP flows; 1 malformed records or packets skipped ({Path.GetFileName(file)}: "
                + "block 338 (enhanced packet) at byte 78828, after packet 335, has a corrupt length 4294967295; skipped that block (124 bytes, 1 packet) and read on from the next block at byte 78952)"
                + Environment.NewLine, output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_capture_from_a_named_pipe_is_read_once()
    {
        var fifo = Path.Combine(Path.GetTempPath(), $"net-fifo-{Guid.NewGuid():N}");
        using (var mkfifo = Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        try
        {
            var writer = Task.Run(() =>
            {
                using var pipe = new FileStream(fifo, FileMode.Open, FileAccess.Write);
                pipe.Write(File.ReadAllBytes(MiningCapture));
            }, TestContext.Current.CancellationToken);

            var (code, output, err) = Run("net", "scan", fifo, "--format", "csv");
            await writer.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

            Assert.Equal((0, ""), (code, err));
            Assert.Equal(5, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    [Fact]
    public async Task Standard_input_is_read_with_a_dash()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "minerwatch.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", cli, "net", "scan", "-", "--format", "csv"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await using (var input = process.StandardInput.BaseStream) await input.WriteAsync(File.ReadAllBytes(MiningCapture), TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal((0, ""), (process.ExitCode, await stderr));
        Assert.Equal(["147.229.13.222", "192.168.2.148", "192.168.2.148", "192.168.2.92"],
            (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]));
    }

    [Fact]
    public async Task Record_refuses_a_pipe_before_reading_it()
    {
        var fifo = Path.Combine(Path.GetTempPath(), $"net-fifo-{Guid.NewGuid():N}");
        using (var mkfifo = Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        try
        {
            var writer = Task.Run(() =>
            {
                using var pipe = new FileStream(fifo, FileMode.Open, FileAccess.Write);
                try
                {
                    pipe.Write(File.ReadAllBytes(MiningCapture));
                }
                catch (IOException)
                {
                    // The reader refused and closed its end: a broken pipe is expected.
                }
            }, TestContext.Current.CancellationToken);

            var key = fifo + ".key";
            Run("evidence", "keygen", "--name", "soc.example/log", "--out", key);
            var (code, _, err) = Run("net", "scan", fifo, "--record", Path.Combine(Path.GetTempPath(), "unused-log"), "--record-key", key);
            File.Delete(key);
            await writer.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

            Assert.Equal(2, code);
            Assert.Equal($"error: {fifo}: --record keeps each input's SHA-256 and needs to read it again, which a pipe does not allow: save it to a file first" + Environment.NewLine, err);
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    [Fact]
    public void An_eve_log_with_a_byte_order_mark_is_read()
    {
        var file = Path.Combine(Path.GetTempPath(), $"eve-bom-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, "{\"timestamp\":\"2026-01-01T08:05:00.000000+0000\",\"event_type\":\"flow\",\"src_ip\":\"10.4.0.13\",\"src_port\":50000,\"dest_ip\":\"203.0.113.60\",\"dest_port\":443,\"proto\":\"TCP\",\"flow\":{\"pkts_toserver\":900,\"pkts_toclient\":1200,\"bytes_toserver\":90000,\"bytes_toclient\":1500000,\"start\":\"2026-01-01T08:00:00.000000+0000\",\"end\":\"2026-01-01T09:00:00.000000+0000\"}}\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        try
        {
            var (code, _, err) = Run("net", "scan", file, "--format", "json");
            Assert.True(code == 0, err);
            Assert.Equal("", err);

            // A log of which no line can be read is refused, not reported as clean.
            File.WriteAllText(file, "{\"event_type\":\"flow\"}\n{\n");
            (code, _, err) = Run("net", "scan", file);
            Assert.Equal(2, code);
            Assert.EndsWith($"none of the 2 lines of {Path.GetFileName(file)} could be read (a Zeek log, or Suricata eve.json with one JSON object a line?)", err.Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Live_refuses_an_alert_file_it_cannot_write_before_capturing()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"eve-dir-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var (code, _, err) = Run("net", "live", "--interface", "lo", "--duration", "1", "--eve", dir);
            Assert.Equal(2, code);
            Assert.Equal($"error: --eve {dir} is a directory; give a file to append alerts to", err.Trim());
        }
        finally
        {
            Directory.Delete(dir);
        }
    }
}
