using System.Text.RegularExpressions;

namespace MinerWatch.Network.Detection;

/// <summary>
/// Splits a pool login into wallet and worker. Pools take `wallet.worker`, `wallet/worker/email` (nanopool),
/// `wallet.paymentid.worker` or `account.worker`; a login with no address in it is an account name, kept as the worker.
/// </summary>
public static partial class Login
{
    public static (string? Wallet, string? Worker) Split(string? login)
    {
        if (string.IsNullOrWhiteSpace(login)) return (null, null);
        var parts = login.Split(['/', '.', '+'], StringSplitOptions.RemoveEmptyEntries);
        var walletIndex = Array.FindIndex(parts, IsWallet);
        if (walletIndex < 0) return (null, login);
        var wallet = parts[walletIndex];
        // After the wallet: a 64-hex payment id, a worker name, an e-mail (after a slash) or a fixed difficulty (after +).
        var rest = login[(login.IndexOf(wallet, StringComparison.Ordinal) + wallet.Length)..];
        var worker = rest.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(p => !p.Contains('@')) is { } w
            ? string.Join('.', w.Split('.', StringSplitOptions.RemoveEmptyEntries).Where(p => !PaymentId().IsMatch(p)))
            : null;
        if (worker is not null && worker.Contains('+')) worker = worker[..worker.IndexOf('+')];
        return (wallet, string.IsNullOrEmpty(worker) ? null : worker);
    }

    /// <summary>Address shapes of the coins mined over these protocols: Bitcoin, Ethereum family, Monero, Zcash, Litecoin, Ravencoin.</summary>
    public static bool IsWallet(string s) => Wallet().IsMatch(s);

    [GeneratedRegex(@"^(0x[0-9a-fA-F]{40}|[48][1-9A-HJ-NP-Za-km-z]{94}|[48][1-9A-HJ-NP-Za-km-z]{105}|(bc1|ltc1)[02-9ac-hj-np-z]{25,87}|[13LMR][1-9A-HJ-NP-Za-km-z]{25,34}|t[13][1-9A-HJ-NP-Za-km-z]{33}|zs1[02-9ac-hj-np-z]{60,80})$")]
    private static partial Regex Wallet();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex PaymentId();
}
