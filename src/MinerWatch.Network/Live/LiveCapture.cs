using MinerWatch.Network.Capture;
using MinerWatch.Network.Detection;
using SharpPcap;
using SharpPcap.LibPcap;

namespace MinerWatch.Network.Live;

/// <summary>
/// Reads packets from a network interface through libpcap (SharpPcap) into a <see cref="NetworkScanner"/>, and reports
/// each finding as it first appears, or when its confidence or share count changes. Needs libpcap and the right to
/// capture (root, or CAP_NET_RAW). Findings are taken on the caller's thread; packets arrive on libpcap's.
/// </summary>
public sealed class LiveCapture : IDisposable
{
    private readonly LibPcapLiveDevice _device;
    private readonly NetworkScanner _scanner;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string), (string Confidence, long Shares)> _reported = [];

    private LiveCapture(LibPcapLiveDevice device, NetworkScanner scanner)
    {
        _device = device;
        _scanner = scanner;
    }

    /// <summary>The interfaces libpcap can open, by name.</summary>
    public static IReadOnlyList<string> Interfaces() => [.. LibPcapLiveDeviceList.Instance.Select(d => d.Name)];

    /// <summary>Opens <paramref name="interfaceName"/> and starts capturing; throws <see cref="CaptureFormatException"/> with a reason when it cannot.</summary>
    public static LiveCapture Start(string interfaceName, NetworkScanner scanner)
    {
        LibPcapLiveDevice? device;
        try
        {
            device = LibPcapLiveDeviceList.Instance.FirstOrDefault(d => d.Name == interfaceName);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or PcapException)
        {
            throw new CaptureFormatException($"libpcap is not available ({e.Message}); on Debian install libpcap0.8");
        }
        if (device is null)
            throw new CaptureFormatException($"no interface '{interfaceName}' (there are: {string.Join(", ", Interfaces())})");
        var live = new LiveCapture(device, scanner);
        try
        {
            device.Open(new DeviceConfiguration { Mode = DeviceModes.Promiscuous, ReadTimeout = 200, Snaplen = 65535 });
        }
        catch (PcapException e)
        {
            throw new CaptureFormatException($"cannot capture on {interfaceName}: {e.Message} (capturing needs root or CAP_NET_RAW)");
        }
        device.OnPacketArrival += live.Arrived;
        device.StartCapture();
        return live;
    }

    private void Arrived(object sender, PacketCapture capture)
    {
        var raw = capture.GetPacket();
        var packet = new CapturePacket((LinkType)(int)raw.LinkLayerType, new DateTimeOffset(raw.Timeval.Date, TimeSpan.Zero), raw.Data, raw.PacketLength);
        lock (_gate) _scanner.Add(packet);
    }

    /// <summary>Findings that are new, or whose confidence or share count changed, since the last call.</summary>
    public IReadOnlyList<NetworkFinding> Changes()
    {
        NetworkScanResult result;
        lock (_gate) result = _scanner.Result();
        var changed = new List<NetworkFinding>();
        foreach (var f in result.Findings)
        {
            var key = (f.Host, f.Peer);
            var now = (f.Confidence, f.SharesSubmitted);
            if (_reported.TryGetValue(key, out var before) && before == now) continue;
            _reported[key] = now;
            changed.Add(f);
        }
        return changed;
    }

    public NetworkScanResult Result()
    {
        lock (_gate) return _scanner.Result();
    }

    public void Dispose()
    {
        try
        {
            _device.StopCapture();
        }
        catch (PcapException)
        {
            // Already stopped: nothing more to release here.
        }
        _device.Close();
    }
}
