using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using MinerWatch.Persistence;
using MinerWatch.Server.Auth;

namespace MinerWatch.Server.Apis;

public sealed record LoginRequest(string UserName, string Password);
public sealed record Me(string Id, string Name, string Role, string Region, string? AntiforgeryToken);

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

        auth.MapGet("/me", (HttpContext http, IAntiforgery antiforgery) =>
        {
            var caller = Caller.Of(http.User);
            var token = caller.Id.StartsWith("key:", StringComparison.Ordinal) ? null : antiforgery.GetAndStoreTokens(http).RequestToken;
            return TypedResults.Ok(new Me(caller.Id, caller.Name, caller.Role, caller.Region, token));
        }).RequireAuthorization(Policies.Anyone);
        return api;
    }
}
