using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MinerWatch.Persistence;

namespace MinerWatch.Server.Auth;

/// <summary>Machines' keys: <c>mwk_</c> and 32 random bytes, shown once; only the SHA-256 is stored.</summary>
public static class ApiKeys
{
    public const string Scheme = "ApiKey";

    public static (string Key, ApiKey Row) Create(string name, string role, string region, DateTime now)
    {
        var key = "mwk_" + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        return (key, new ApiKey { Id = Guid.CreateVersion7().ToString("N"), Name = name, Role = role, Region = region, Sha256 = Hash(key), Created = now });
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Authenticates <c>Authorization: Bearer mwk_...</c> against the stored key hashes.</summary>
public sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, MinerWatchDb db)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal)) return AuthenticateResult.NoResult();
        var key = header["Bearer ".Length..].Trim();
        if (key.Length is 0 or > 200) return AuthenticateResult.Fail("malformed key");
        var hash = ApiKeys.Hash(key);
        var row = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Sha256 == hash, Context.RequestAborted);
        if (row is null || row.Revoked) return AuthenticateResult.Fail("unknown or revoked key");
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, "key:" + row.Id),
            new Claim(ClaimTypes.Name, row.Name),
            new Claim(Caller.RoleClaim, row.Role),
            new Claim(Caller.RegionClaim, row.Region),
        ], ApiKeys.Scheme);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ApiKeys.Scheme));
    }
}

/// <summary>Adds the role and region claims to a person's cookie.</summary>
public sealed class UserClaimsFactory(Microsoft.AspNetCore.Identity.UserManager<User> users, IOptions<Microsoft.AspNetCore.Identity.IdentityOptions> options)
    : Microsoft.AspNetCore.Identity.UserClaimsPrincipalFactory<User>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(User user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(Caller.RoleClaim, user.Role));
        identity.AddClaim(new Claim(Caller.RegionClaim, user.Region));
        return identity;
    }
}
