using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MinerWatch.Application;
using MinerWatch.Application.Regions;
using MinerWatch.Grid.Scan;
using MinerWatch.Persistence;
using MinerWatch.Server.Auth;
using MinerWatch.Server.Cases;
using MinerWatch.Server.Ingest;

namespace MinerWatch.Server.Apis;

public sealed record NewUser(string Name, string Role, string? Region, string Password);
public sealed record UserView(string Id, string Name, string Role, string Region, bool LockedOut);
public sealed record UserChange(string? Role, string? Region, bool? Unlock, string? Password);
public sealed record NewKey(string Name, string? Role, string? Region);
public sealed record KeyCreated(string Id, string Name, string Role, string Region, string Key);
public sealed record KeyView(string Id, string Name, string Role, string Region, DateTime Created, bool Revoked);
public sealed record NewWebhook(string Url, string? Region, string Secret);
public sealed record WebhookView(string Id, string Url, string Region);
public sealed record ThresholdRequest(double Threshold);

/// <summary>People, keys, webhooks and the campaign threshold. Admins manage all; a lead manages inside their region.</summary>
public static class AdminApi
{
    /// <summary>A pass phrase is long; a megabyte is an attempt to make the server hash it.</summary>
    public const int MaxPassword = 1024;

    public static RouteGroupBuilder MapAdminApi(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("").WithTags("Administration");
        admin.MapGet("/users", async (HttpContext http, MinerWatchDb db, TimeProvider clock, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            var users = await db.Users.AsNoTracking().ToListAsync(cancel);
            var now = clock.GetUtcNow();
            return TypedResults.Ok(users.Where(u => caller.Covers(u.Region)).OrderBy(u => u.UserName, StringComparer.Ordinal)
                .Select(u => new UserView(u.Id, u.UserName ?? "", u.Role, u.Region, u.LockoutEnd > now)).ToList());
        }).RequireAuthorization(Policies.Leads);

        admin.MapPost("/users", async (NewUser body, HttpContext http, UserManager<User> users, TimeProvider clock) =>
        {
            var caller = Caller.Of(http.User);
            var user = await Accounts.AddUserAsync(users, body.Name, body.Role, body.Region, body.Password, caller, clock.GetUtcNow().UtcDateTime);
            return TypedResults.Created("/api/v1/users", new UserView(user.Id, user.UserName ?? "", user.Role, user.Region, false));
        }).RequireAuthorization(Policies.Leads);

        admin.MapPatch("/users/{id}", async (string id, UserChange body, HttpContext http, UserManager<User> users, TimeProvider clock) =>
        {
            // A change of role, region or password ends the person's sessions (each request checks them against the
            // database); unlocking lets them try again at once.
            var caller = Caller.Of(http.User);
            var user = await users.FindByIdAsync(id);
            if (user is null || !caller.Covers(user.Region)) throw ApiProblem.NotFound($"user {id}");
            if (!caller.IsAdmin && (user.Role == Roles.Admin || body.Role == Roles.Admin)) throw ApiProblem.Forbidden("only an admin changes or makes admins");
            if (user.Id == caller.Id && (body.Role is not null || body.Region is not null)) throw ApiProblem.Forbidden("you may not change your own role or region: another lead or an admin does");
            if (body.Role is not null && !Roles.People.Contains(body.Role)) throw ApiProblem.Bad($"role '{body.Role}': give one of {string.Join(", ", Roles.People)}");
            var region = body.Region is null ? null : RegionPath.Normalize(body.Region) ?? throw ApiProblem.Bad("region: give a path such as CN-GD/Guangzhou");
            if (region is not null && !caller.Covers(region)) throw ApiProblem.Forbidden($"you may grant regions only inside your own, {caller.Region}");
            if (body.Password is { Length: > MaxPassword }) throw ApiProblem.Bad($"password: at most {MaxPassword} characters");
            if (body.Password is not null)
            {
                // Checked before anything changes, so that a refused password leaves the person as they were.
                foreach (var validator in users.PasswordValidators)
                {
                    var check = await validator.ValidateAsync(users, user, body.Password);
                    if (!check.Succeeded) throw ApiProblem.Bad(string.Join("; ", check.Errors.Select(e => e.Description)));
                }
                user.PasswordHash = users.PasswordHasher.HashPassword(user, body.Password);
            }
            user.Role = body.Role ?? user.Role;
            user.Region = region ?? user.Region;
            if (body.Unlock == true)
            {
                user.LockoutEnd = null;
                user.AccessFailedCount = 0;
            }
            var result = await users.UpdateAsync(user);
            if (!result.Succeeded) throw ApiProblem.Bad(string.Join("; ", result.Errors.Select(e => e.Description)));
            if (body.Password is not null || body.Role is not null || body.Region is not null) await users.UpdateSecurityStampAsync(user);
            return TypedResults.Ok(new UserView(user.Id, user.UserName ?? "", user.Role, user.Region, user.LockoutEnd > clock.GetUtcNow()));
        }).RequireAuthorization(Policies.Leads);

        admin.MapGet("/keys", async (HttpContext http, MinerWatchDb db, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            var keys = await db.ApiKeys.AsNoTracking().ToListAsync(cancel);
            return TypedResults.Ok(keys.Where(k => caller.Covers(k.Region)).OrderBy(k => k.Created).Select(k => new KeyView(k.Id, k.Name, k.Role, k.Region, k.Created, k.Revoked)).ToList());
        }).RequireAuthorization(Policies.Leads);

        admin.MapPost("/keys", async (NewKey body, HttpContext http, MinerWatchDb db, TimeProvider clock, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            var (key, row) = await Accounts.AddKeyAsync(db, body.Name, body.Role ?? Roles.Ingest, body.Region, caller, clock.GetUtcNow().UtcDateTime, cancel);
            return TypedResults.Created($"/api/v1/keys/{row.Id}", new KeyCreated(row.Id, row.Name, row.Role, row.Region, key));
        }).RequireAuthorization(Policies.Leads);

        admin.MapDelete("/keys/{id}", async (string id, HttpContext http, MinerWatchDb db, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            var row = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, cancel);
            if (row is null || !caller.Covers(row.Region)) throw ApiProblem.NotFound($"key {id}");
            row.Revoked = true;
            await db.SaveChangesAsync(cancel);
            return TypedResults.NoContent();
        }).RequireAuthorization(Policies.Leads);

        admin.MapGet("/webhooks", async (HttpContext http, MinerWatchDb db, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            var hooks = await db.Webhooks.AsNoTracking().ToListAsync(cancel);
            return TypedResults.Ok(hooks.Where(h => caller.Covers(h.Region)).Select(h => new WebhookView(h.Id, h.Url, h.Region)).ToList());
        }).RequireAuthorization(Policies.Leads);

        admin.MapDelete("/webhooks/{id}", async (string id, HttpContext http, MinerWatchDb db, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            var hook = await db.Webhooks.FirstOrDefaultAsync(h => h.Id == id, cancel);
            if (hook is null || !caller.Covers(hook.Region)) throw ApiProblem.NotFound($"webhook {id}");
            db.Webhooks.Remove(hook);
            await db.WebhookDeliveries.Where(d => d.WebhookId == id && !d.Delivered).ExecuteDeleteAsync(cancel);
            await db.SaveChangesAsync(cancel);
            return TypedResults.NoContent();
        }).RequireAuthorization(Policies.Leads);

        admin.MapPost("/webhooks", async (NewWebhook body, HttpContext http, MinerWatchDb db, ServerOptions options, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            var region = RegionPath.Normalize(body.Region) ?? throw ApiProblem.Bad("region: give a path such as CN-GD/Guangzhou");
            if (region.Length == 0) region = caller.Region;
            if (!caller.Covers(region)) throw ApiProblem.NotFound($"region {region}");
            if (!Uri.TryCreate(body.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")) throw ApiProblem.Bad("url: give an absolute http or https address");
            if (!options.WebhooksToLoopback && WebhookSender.IsLoopbackOrLinkLocal(url.Host))
                throw ApiProblem.Bad($"url: {url.Host} is this machine or a link-local address; a webhook goes to a district's system");
            if (string.IsNullOrEmpty(body.Secret) || body.Secret.Length < 16) throw ApiProblem.Bad("secret: give at least 16 characters (the HMAC key the receiver checks)");
            var hook = new Webhook { Id = Guid.CreateVersion7().ToString("N"), Url = url.ToString(), Region = region, Secret = body.Secret };
            db.Webhooks.Add(hook);
            await db.SaveChangesAsync(cancel);
            return TypedResults.Created($"/api/v1/webhooks/{hook.Id}", new WebhookView(hook.Id, hook.Url, hook.Region));
        }).RequireAuthorization(Policies.Leads);

        admin.MapGet("/settings/threshold", async (MinerWatchDb db, CancellationToken cancel) =>
        {
            var row = await db.Settings.AsNoTracking().FirstOrDefaultAsync(s => s.Key == MeterDataJob.ThresholdSetting, cancel);
            return TypedResults.Ok(new ThresholdRequest(row is null ? ScoreModel.SuspectThreshold : double.Parse(row.Value, System.Globalization.CultureInfo.InvariantCulture)));
        }).RequireAuthorization(Policies.People);

        admin.MapPut("/settings/threshold", async (ThresholdRequest body, MinerWatchDb db, CancellationToken cancel) =>
        {
            if (!(body.Threshold is > 0 and <= 1)) throw ApiProblem.Bad("threshold: give a score above 0 and at most 1");
            await MeterDataJob.SetSettingAsync(db, MeterDataJob.ThresholdSetting, body.Threshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture), cancel);
            await db.SaveChangesAsync(cancel);
            return TypedResults.Ok(body);
        }).RequireAuthorization(Policies.Admins);
        return api;
    }
}

/// <summary>Adding people and keys, for the API and for `minerwatch users add` / `keys add` alike.</summary>
public static class Accounts
{
    public static async Task<User> AddUserAsync(UserManager<User> users, string name, string role, string? region, string password, Caller? by, DateTime now)
    {
        if (!Roles.People.Contains(role)) throw ApiProblem.Bad($"role '{role}': give one of {string.Join(", ", Roles.People)}");
        var path = RegionPath.Normalize(region) ?? throw ApiProblem.Bad("region: give a path such as CN-GD/Guangzhou");
        if (by is not null && (!by.Covers(path) || !by.IsAdmin && role == Roles.Admin))
            throw ApiProblem.Forbidden($"you may add people only inside your region {by.Region}, and only an admin adds admins");
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200) throw ApiProblem.Bad("name: give 1 to 200 characters");
        if (password.Length > AdminApi.MaxPassword) throw ApiProblem.Bad($"password: at most {AdminApi.MaxPassword} characters");
        var user = new User { UserName = name, Role = role, Region = path, Created = now, LockoutEnabled = true };
        var result = await users.CreateAsync(user, password);
        if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.DuplicateUserName))) throw ApiProblem.Conflict($"the user name {name} is taken");
        if (!result.Succeeded) throw ApiProblem.Bad(string.Join("; ", result.Errors.Select(e => e.Description)));
        return user;
    }

    public static async Task<(string Key, ApiKey Row)> AddKeyAsync(MinerWatchDb db, string name, string role, string? region, Caller? by, DateTime now, CancellationToken cancel)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200) throw ApiProblem.Bad("name: give 1 to 200 characters");
        if (role != Roles.Ingest) throw ApiProblem.Bad($"role '{role}': keys have the ingest role");
        var path = RegionPath.Normalize(region) ?? throw ApiProblem.Bad("region: give a path such as CN-GD/Guangzhou");
        if (by is not null && !by.Covers(path)) throw ApiProblem.Forbidden($"you may add keys only inside your region {by.Region}");
        var (key, row) = ApiKeys.Create(name, role, path, now);
        db.ApiKeys.Add(row);
        await db.SaveChangesAsync(cancel);
        return (key, row);
    }
}
