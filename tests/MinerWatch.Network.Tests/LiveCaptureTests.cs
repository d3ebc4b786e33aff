using System.Net;
using System.Net.Sockets;
using System.Text;
using MinerWatch.Network.Detection;
using MinerWatch.Network.Live;

namespace MinerWatch.Network.Tests;

/// <summary>Captures a real stratum exchange on the loopback interface through libpcap (needs libpcap0.8 and root; skipped without them, except in CI).</summary>
public class LiveCaptureTests
{
    [Fact]
    public async Task Stratum_session_on_loopback_is_found_while_it_runs()
    {
        MinerWatch.Tests.Requires.LiveCapture();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var live = LiveCapture.Start("lo", new NetworkScanner());
        // libpcap needs a moment after opening before packets flow to the callback.
        await Task.Delay(500, TestContext.Current.CancellationToken);

        var accept = listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
        using var miner = new TcpClient();
        await miner.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
        using var pool = await accept;
        var toPool = miner.GetStream();
        var toMiner = pool.GetStream();
        await toPool.WriteAsync(Encoding.ASCII.GetBytes("{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"bmminer/2.0.0\"]}\n"), TestContext.Current.CancellationToken);
        await toMiner.WriteAsync(Encoding.ASCII.GetBytes("{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[4096]}\n"), TestContext.Current.CancellationToken);
        await toPool.WriteAsync(Encoding.ASCII.GetBytes("{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"campus.lab-pc-12\",\"x\"]}\n"), TestContext.Current.CancellationToken);
        for (var i = 0; i < 3; i++)
            await toPool.WriteAsync(Encoding.ASCII.GetBytes($"{{\"id\":{10 + i},\"method\":\"mining.submit\",\"params\":[\"campus.lab-pc-12\",\"{i}\",\"0\",\"0\",\"0\"]}}\n"), TestContext.Current.CancellationToken);

        NetworkFinding? found = null;
        for (var wait = 0; wait < 100 && found is null; wait++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            found = live.Changes().FirstOrDefault(f => f.Peer == $"127.0.0.1:{port}" && f.SharesSubmitted == 3);
        }

        Assert.NotNull(found);
        Assert.Equal("127.0.0.1", found.Host);
        Assert.Equal("campus.lab-pc-12", found.Worker);
        Assert.Equal("bmminer/2.0.0", found.Agent);
        // Reported once: nothing changed since.
        Assert.DoesNotContain(live.Changes(), f => f.Peer == $"127.0.0.1:{port}");
    }
}
