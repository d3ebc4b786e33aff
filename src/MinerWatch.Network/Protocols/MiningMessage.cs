using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace MinerWatch.Network.Protocols;

/// <summary>The mining protocol a message belongs to.</summary>
public enum MiningProtocol
{
    /// <summary>Stratum v1 (mining.subscribe, authorize, notify, submit, ...).</summary>
    Stratum,
    /// <summary>NiceHash's EthereumStratum/1.0.0: Stratum v1 methods carrying Ethash work.</summary>
    EthereumStratum,
    /// <summary>EthProxy/Claymore: eth_submitLogin, eth_getWork, eth_submitWork, eth_submitHashrate over a TCP stream.</summary>
    EthProxy,
    /// <summary>The Monero/xmrig dialect: login, job, submit, keepalived.</summary>
    Xmrig,
    /// <summary>getwork, getblocktemplate or eth_getWork over HTTP (solo mining, or pools that still serve HTTP).</summary>
    HttpGetwork,
    /// <summary>Stratum v2's binary mining protocol.</summary>
    StratumV2,
    /// <summary>
    /// A browser miner's protocol over WebSocket (the Coinhive family: auth with a site key, job, submit,
    /// hash_accepted): cryptojacking in web pages.
    /// </summary>
    WebMiner,
}

/// <summary>
/// One JSON-RPC message that only mining speaks, read from a line of a TCP stream, with what it tells: which side is
/// the miner, the login, the share difficulty, a submitted share. Messages of plain JSON-RPC are not mining and give
/// null.
/// </summary>
public sealed record MiningMessage
{
    public required MiningProtocol Protocol { get; init; }
    public required string Method { get; init; }
    /// <summary>True when the miner sent it (subscribe, login, submit); false when the pool did (notify, job).</summary>
    public required bool FromMiner { get; init; }
    public bool IsShare { get; init; }
    public string? Login { get; init; }
    public string? WorkerField { get; init; }
    /// <summary>The worker a share names (Stratum's mining.submit first parameter).</summary>
    public string? SubmittedBy { get; init; }
    public string? Agent { get; init; }
    public string? Algorithm { get; init; }
    /// <summary>Hashes a share at the current target is worth on average (difficulty x 2^32 for Stratum).</summary>
    public double? HashesPerShare { get; init; }
    /// <summary>A hash rate the miner reported itself (eth_submitHashrate), in hashes per second.</summary>
    public double? ReportedHashrate { get; init; }
    /// <summary>A pool host name the miner named in its subscribe (some miners send it).</summary>
    public string? PoolHost { get; init; }

    // The most frequent first: they are matched in this order.
    private static readonly string[] StratumFromPool =
    [
        "mining.notify", "mining.set_difficulty", "mining.set_target", "mining.set_extranonce", "mining.set_version_mask",
        "client.reconnect", "client.show_message", "client.get_version",
    ];
    private static readonly string[] StratumFromMiner =
    [
        "mining.submit", "mining.subscribe", "mining.authorize", "mining.configure", "mining.extranonce.subscribe",
        "mining.suggest_difficulty", "mining.suggest_target", "mining.get_transactions", "mining.multi_version",
    ];

    /// <summary>Every method read: Stratum's from the pool, Stratum's from the miner, then the other dialects'.</summary>
    private static readonly KnownNames Methods = new(
    [
        .. StratumFromPool, .. StratumFromMiner, "job", "submit", "eth_getWork", "eth_submitWork", "eth_submitHashrate",
        "keepalived", "login", "eth_submitLogin", "getwork", "getblocktemplate", "submitblock",
    ]);

    /// <summary>Parses one line; null when it is not JSON or not a mining message.</summary>
    public static MiningMessage? Parse(ReadOnlySpan<byte> line) => Parse(line, out _);

    /// <summary>
    /// Parses one line; null when it is not a mining message. <paramref name="malformed"/> is set when the line looks
    /// like a JSON-RPC message (an object with a method or a job) but is not valid JSON.
    /// </summary>
    /// <remarks>
    /// Read in place with <see cref="Utf8JsonReader"/> (no copy of the line, no document): every job a pool sends and
    /// every share a miner submits is read, so this is the scan's hottest path on mining traffic. The rules are
    /// JsonDocument's (one valid JSON value; of a name given twice the last counts) with one exception: a message
    /// whose method needs nothing more is not read further (see <see cref="ReadEnough"/>).
    /// Compiled fully optimised from its first call, as are the readers it calls: a capture is read in less time
    /// than the tiered JIT takes to reach its final code, and code compiled ahead of time cannot inline the JSON
    /// reader's small members, which are most of the work.
    /// </remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static MiningMessage? Parse(ReadOnlySpan<byte> line, out bool malformed)
    {
        malformed = false;
        // Cheap test first: nearly every line of ordinary traffic is rejected here without a JSON parse.
        var start = line.IndexOfAnyExcept(" \t\r"u8);
        if (start < 0 || line[start] != (byte)'{') return null;
        if (line.IndexOf("\"method\""u8) < 0 && line.IndexOf("\"job\""u8) < 0 && line.IndexOf("\"type\""u8) < 0) return null;
        try
        {
            Span<Json.Member> m = stackalloc Json.Member[5];
            return Json.ReadObject(line, Envelope, m, ReadEnough)
                ? FromJson(Json.Of(line, m[0]), Json.Of(line, m[1]), Json.Of(line, m[2]), Json.Of(line, m[3]), Json.Of(line, m[4]))
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON, or JSON whose strings are not valid UTF-8: not a message we can read.
            malformed = true;
            return null;
        }
    }

    /// <summary>The members of a message that are read: its method, type, params, result and worker, in this order.</summary>
    private static readonly KnownNames Envelope = new(["method", "type", "params", "result", "worker"]);
    private const int MethodMember = 0, ParamsMember = 2;

    /// <summary>
    /// A message is read until its method is known and what it needs is read: nothing more for a job notice
    /// (mining.notify), the first parameter for a share (mining.submit names its worker first, then the solution: 1.3 KB
    /// for Equihash, the bulk of the traffic), an authorisation or a difficulty. The rest of such a line is not read, so
    /// damage there is not seen, nor a second method or params after the stop (of a name given twice the last counts
    /// only in what is read); every other message is read and checked whole.
    /// </summary>
    private static readonly EarlyStop ReadEnough = new(MethodMember, Methods, ParamsMember, LeadingParameters);

    /// <summary>How many leading parameters a method's message needs: 0 for none, -1 when it is read whole.</summary>
    private static int LeadingParameters(int method) => method < 0 ? -1 : Methods[method] switch
    {
        "mining.notify" => 0,
        "mining.submit" or "mining.authorize" or "mining.set_difficulty" or "mining.set_target" => 1,
        _ => -1,
    };

    private static MiningMessage? FromJson(Json methodElement, Json kind, Json parameters, Json result, Json worker)
    {
        if (!methodElement.IsString) return kind.IsString ? WebMiner(kind.GetString(), parameters) : LoginReply(result);
        // Every method read is one of the known names: the name is matched in place, not made into a new string.
        var index = methodElement.IndexIn(Methods);
        if (index < 0) return null;
        var method = Methods[index];
        if (index < StratumFromPool.Length + StratumFromMiner.Length) return Stratum(method, parameters, fromMiner: index >= StratumFromPool.Length);
        return method switch
        {
            "login" when parameters.IsObject && parameters.Has("login"u8) => XmrigLogin(parameters),
            "job" when parameters.IsObject && parameters.Has("job_id"u8) => XmrigJob(parameters, "job", fromMiner: false),
            "submit" when parameters.IsObject && parameters.Has("job_id"u8) && parameters.Has("nonce"u8) =>
                new MiningMessage { Protocol = MiningProtocol.Xmrig, Method = "submit", FromMiner = true, IsShare = true },
            "keepalived" => new MiningMessage { Protocol = MiningProtocol.Xmrig, Method = "keepalived", FromMiner = true },
            "eth_submitLogin" => new MiningMessage
            {
                Protocol = MiningProtocol.EthProxy,
                Method = method,
                FromMiner = true,
                Login = FirstString(parameters),
                WorkerField = worker.IsString ? worker.GetString() : null,
                Algorithm = "Ethash",
            },
            "getwork" => new MiningMessage
            {
                Protocol = MiningProtocol.HttpGetwork,
                Method = method,
                FromMiner = true,
                Algorithm = "SHA-256",
                // getwork with data is a share (a solved header); without, a request for work.
                IsShare = parameters.IsArray && parameters.ArrayLength() > 0,
            },
            "getblocktemplate" => new MiningMessage { Protocol = MiningProtocol.HttpGetwork, Method = method, FromMiner = true },
            "submitblock" => new MiningMessage { Protocol = MiningProtocol.HttpGetwork, Method = method, FromMiner = true, IsShare = true },
            "eth_getWork" => new MiningMessage { Protocol = MiningProtocol.EthProxy, Method = method, FromMiner = true, Algorithm = "Ethash" },
            "eth_submitWork" => new MiningMessage { Protocol = MiningProtocol.EthProxy, Method = method, FromMiner = true, IsShare = true, Algorithm = "Ethash" },
            "eth_submitHashrate" => new MiningMessage
            {
                Protocol = MiningProtocol.EthProxy,
                Method = method,
                FromMiner = true,
                Algorithm = "Ethash",
                ReportedHashrate = HexNumber(FirstString(parameters)),
            },
            _ => null,
        };
    }

    private static MiningMessage Stratum(string method, Json parameters, bool fromMiner)
    {
        var message = new MiningMessage { Protocol = MiningProtocol.Stratum, Method = method, FromMiner = fromMiner, IsShare = method == "mining.submit" };
        switch (method)
        {
            case "mining.subscribe":
                var agent = FirstString(parameters);
                var ethereum = parameters.IsArray && parameters.AnyStringStartsWith("EthereumStratum/"u8);
                string? host = null;
                // Some miners (EWBF, ccminer) send the pool's host name and port as the third and fourth parameters.
                if (parameters.IsArray && parameters.Element(2) is { IsString: true } third) host = third.GetString();
                return message with
                {
                    Protocol = ethereum ? MiningProtocol.EthereumStratum : MiningProtocol.Stratum,
                    Agent = agent,
                    PoolHost = host is { Length: > 0 } && host.Contains('.') ? host : null,
                    Algorithm = ethereum ? "Ethash" : null,
                };
            case "mining.authorize":
                return message with { Login = FirstString(parameters) };
            case "mining.submit":
                return message with { SubmittedBy = FirstString(parameters) };
            case "mining.set_difficulty":
                var difficulty = parameters.IsArray && parameters.Element(0) is { IsNumber: true } first && first.TryGetDouble(out var d) ? d : double.NaN;
                return message with { HashesPerShare = Finite(difficulty * 4294967296.0) };
            case "mining.set_target":
                // A 256-bit target (ZCash and Ethereum stratum): a share is worth 2^256 / target hashes.
                var target = HexBig(FirstString(parameters));
                return target > 0 ? message with { HashesPerShare = Finite(Math.Pow(2, 256) / (double)target) } : message;
            default:
                return message;
        }
    }

    /// <summary>The Coinhive family of browser miners: {"type": ..., "params": {...}}.</summary>
    private static MiningMessage? WebMiner(string type, Json p)
    {
        if (!p.IsObject) return null;
        return type switch
        {
            "auth" when p.Has("site_key"u8) => new MiningMessage
            {
                Protocol = MiningProtocol.WebMiner,
                Method = "auth",
                FromMiner = true,
                Login = String(p, "site_key"u8),
                WorkerField = String(p, "user"u8),
            },
            "job" when XmrigJob(p, "job", fromMiner: false) is { } job => job with { Protocol = MiningProtocol.WebMiner },
            "submit" when p.Has("job_id"u8) && p.Has("nonce"u8) =>
                new MiningMessage { Protocol = MiningProtocol.WebMiner, Method = "submit", FromMiner = true, IsShare = true },
            "hash_accepted" or "authed" when p.Has("hashes"u8) =>
                new MiningMessage { Protocol = MiningProtocol.WebMiner, Method = type, FromMiner = false },
            _ => null,
        };
    }

    private static MiningMessage XmrigLogin(Json parameters)
    {
        var message = new MiningMessage
        {
            Protocol = MiningProtocol.Xmrig,
            Method = "login",
            FromMiner = true,
            Login = String(parameters, "login"u8),
            Agent = String(parameters, "agent"u8),
            WorkerField = String(parameters, "rigid"u8) is { Length: > 0 } rig ? rig : null,
        };
        return message;
    }

    /// <summary>A pool's reply to a login carries the first job; it identifies the pool side on its own.</summary>
    private static MiningMessage? LoginReply(Json result)
    {
        if (!result.IsObject) return null;
        if (!result.TryGetProperty("job"u8, out var job) || !job.IsObject || !job.Has("job_id"u8)) return null;
        return XmrigJob(job, "login reply", fromMiner: false);
    }

    private static MiningMessage? XmrigJob(Json job, string method, bool fromMiner)
    {
        if (!job.TryGetProperty("blob"u8, out var blob) || !blob.IsString) return null;
        var target = String(job, "target"u8);
        double? hashes = null;
        if (target is { Length: 8 or 16 } && target.All(Uri.IsHexDigit))
        {
            // Little-endian hex: 4 bytes are compared with the top 32 bits of the hash, 8 bytes with the top 64.
            var t = BinaryLittle(Convert.FromHexString(target));
            if (t > 0) hashes = Finite(Math.Pow(2, 4 * target.Length) / t);
        }
        return new MiningMessage
        {
            Protocol = MiningProtocol.Xmrig,
            Method = method,
            FromMiner = fromMiner,
            Algorithm = String(job, "algo"u8),
            HashesPerShare = hashes,
        };
    }

    private static double BinaryLittle(byte[] bytes)
    {
        double value = 0;
        for (var i = bytes.Length - 1; i >= 0; i--) value = value * 256 + bytes[i];
        return value;
    }

    private static string? String(Json o, ReadOnlySpan<byte> name) =>
        o.TryGetProperty(name, out var v) && v.IsString ? v.GetString() : null;

    private static string? FirstString(Json parameters) =>
        parameters.IsArray && parameters.Element(0) is { IsString: true } first ? first.GetString() : null;

    private static double? HexNumber(string? hex)
    {
        var big = HexBig(hex);
        return big > 0 ? Finite((double)big) : null;
    }

    /// <summary>A positive finite value, else null: absurd difficulties and rates from damaged or hostile input are dropped.</summary>
    internal static double? Finite(double value) => double.IsFinite(value) && value > 0 ? value : null;

    private static BigInteger HexBig(string? hex)
    {
        if (string.IsNullOrEmpty(hex)) return BigInteger.Zero;
        var digits = hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex;
        return BigInteger.TryParse("0" + digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value) ? value : BigInteger.Zero;
    }
}
