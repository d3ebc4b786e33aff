using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MinerWatch.Persistence;

namespace MinerWatch.Server.Cases;

/// <summary>
/// Delivers case events to the regions' webhooks: the event's log entry as the JSON body, signed with HMAC-SHA256 of
/// the webhook's secret in <c>X-MinerWatch-Signature: sha256=HEX</c>; retried with doubling waits up to an hour.
/// </summary>
public sealed class WebhookSender(IServiceScopeFactory scopes, IHttpClientFactory clients, TimeProvider clock, ILogger<WebhookSender> log) : BackgroundService
{
    public const int MaxAttempts = 20;

    /// <summary>This machine (loopback, the unspecified address, localhost) or a link-local address (cloud metadata services).</summary>
    public static bool IsLoopbackOrLinkLocal(string host)
    {
        host = host.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IsLoopbackOrLinkLocal(ip);
    }

    public static bool IsLoopbackOrLinkLocal(System.Net.IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (System.Net.IPAddress.IsLoopback(ip) || ip.Equals(System.Net.IPAddress.Any) || ip.Equals(System.Net.IPAddress.IPv6Any) || ip.IsIPv6LinkLocal) return true;
        var b = ip.GetAddressBytes();
        return ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && (b[0] == 169 && b[1] == 254 || b[0] == 0);
    }

    /// <summary>
    /// The connection a webhook request makes, refused when the name resolves to this machine or a link-local address
    /// (a name checked when the hook was added may point elsewhere by the time it is called).
    /// </summary>
    public static SocketsHttpHandler Handler(bool allowLoopback) => new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ConnectCallback = async (context, cancel) =>
        {
            var addresses = await System.Net.Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancel);
            // This machine is also any address of its own interfaces, not only loopback.
            var own = allowLoopback ? [] : System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(u => u.Address).ToHashSet();
            var usable = addresses.Where(a => allowLoopback || !IsLoopbackOrLinkLocal(a) && !own.Contains(a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a)).ToList();
            if (usable.Count == 0) throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves to this machine or a link-local address only");
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(usable.ToArray(), context.DnsEndPoint.Port, cancel);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await SendDueAsync(stop);
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "webhook delivery failed; retrying shortly");
                await Task.Delay(TimeSpan.FromSeconds(5), clock, stop);
            }
        }
    }

    internal async Task SendDueAsync(CancellationToken stop)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<MinerWatchDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.WebhookDeliveries.Where(d => !d.Delivered && d.Attempts < MaxAttempts && d.NextAttempt <= now).OrderBy(d => d.NextAttempt).Take(50).ToListAsync(stop);
        if (due.Count == 0) return;
        var hooks = await db.Webhooks.AsNoTracking().ToDictionaryAsync(h => h.Id, stop);
        var client = clients.CreateClient("webhooks");
        foreach (var d in due)
        {
            var e = await db.CaseEvents.AsNoTracking().FirstOrDefaultAsync(x => x.Id == d.EventId, stop);
            if (e is null || !hooks.TryGetValue(d.WebhookId, out var hook))
            {
                d.Delivered = true;
                continue;
            }
            var body = Encoding.UTF8.GetBytes(e.Json);
            var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(hook.Secret), body));
            using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add("X-MinerWatch-Signature", "sha256=" + signature);
            request.Headers.Add("X-MinerWatch-Event", e.Id);
            d.Attempts++;
            try
            {
                using var response = await client.SendAsync(request, stop);
                if (response.IsSuccessStatusCode) d.Delivered = true;
                else d.LastError = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException x)
            {
                d.LastError = x.Message;
            }
            catch (TaskCanceledException) when (!stop.IsCancellationRequested)
            {
                d.LastError = "timed out";
            }
            if (!d.Delivered) d.NextAttempt = now.AddSeconds(Math.Min(3600, Math.Pow(2, d.Attempts)));
        }
        await db.SaveChangesAsync(stop);
    }
}
