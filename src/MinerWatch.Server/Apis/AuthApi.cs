using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using MinerWatch.Persistence;
using MinerWatch.Server.Auth;

namespace MinerWatch.Server.Apis;

public sealed record LoginRequest(string UserName, string Password);
public sealed record Me(string Id, string Name, string Role, string Region, string? Language, string? AntiforgeryToken);
public sealed record LanguageChoice(string? Language);

public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Sign-in");
        auth.MapPost("/login", async (LoginRequest body, SignInManager<User> signIn) =>
        {
            if (string.IsNullOrEmpty(body.UserName) || string.IsNullOrEmpty(body.Password)) throw ApiProblem.Bad("give user_name and password");
            var result = await signIn.PasswordSignInAsync(body.UserName, body.Password, isPersistent: false, lockoutOnFailure: true);
            if (result.IsLockedOut) throw new ApiProblem(StatusCodes.Status403Forbidden, "Locked out", "too many wrong passwords: the account is locked for a few minutes");
            if (!result.Succeeded) throw new ApiProblem(StatusCodes.Status401Unauthorized, "Unauthorized", "wrong user name or password");
            return TypedResults.NoContent();
        }).AllowAnonymous().RequireRateLimiting(ServerApp.LoginLimit);

        auth.MapPost("/logout", async (HttpContext http, SignInManager<User> signIn, UserManager<User> users) =>
        {
            // A new security stamp ends every copy of the cookie, not only this browser's.
            if (await users.FindByIdAsync(Caller.Of(http.User).Id) is { } user) await users.UpdateSecurityStampAsync(user);
            await signIn.SignOutAsync();
            return TypedResults.NoContent();
        }).RequireAuthorization(Policies.People);

        auth.MapGet("/me", async (HttpContext http, IAntiforgery antiforgery, UserManager<User> users) =>
        {
            var caller = Caller.Of(http.User);
            var person = !caller.Id.StartsWith("key:", StringComparison.Ordinal);
            var token = person ? antiforgery.GetAndStoreTokens(http).RequestToken : null;
            var language = person ? (await users.FindByIdAsync(caller.Id))?.Language : null;
            return TypedResults.Ok(new Me(caller.Id, caller.Name, caller.Role, caller.Region, language, token));
        }).RequireAuthorization(Policies.Anyone);

        auth.MapPut("/me/language", async (LanguageChoice body, HttpContext http, UserManager<User> users) =>
        {
            // The console's language follows the person to every browser; null goes back to the browser's own.
            if (body.Language is not (null or "en" or "zh-CN")) throw ApiProblem.Bad($"language '{body.Language}': give en or zh-CN (or null for the browser's)");
            var user = await users.FindByIdAsync(Caller.Of(http.User).Id) ?? throw ApiProblem.NotFound("user");
            user.Language = body.Language;
            await users.UpdateAsync(user);
            return TypedResults.Ok(body);
        }).RequireAuthorization(Policies.People);
        return api;
    }
}
