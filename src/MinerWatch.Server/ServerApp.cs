using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
using MinerWatch.Application.Evidence;
using MinerWatch.Persistence;
using MinerWatch.Server.Apis;
using MinerWatch.Server.Auth;
using MinerWatch.Server.Cases;
using MinerWatch.Server.Console;
using MinerWatch.Server.Ingest;

namespace MinerWatch.Server;

/// <summary>The server's services, middleware and endpoints; Program.cs and the tests build it the same way.</summary>
public static class ServerApp
{
    public const string LoginLimit = "login";
    public const string UploadLimit = "upload";
    private const string SmartScheme = "cookie-or-key";

    public static void AddServices(WebApplicationBuilder builder)
    {
        var options = ServerOptions.From(builder.Configuration);
        // Owner-only: the database, the evidence key and the cookie keys live here.
        if (!Directory.Exists(options.DataDir))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(options.DataDir);
            else Directory.CreateDirectory(options.DataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        // Logs go to standard error (standard output is for what a command prints, such as a new key), and the
        // database's every query is not news.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(RegionOutlines.Load(options.Outlines));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // JSON requests are small; the upload endpoints raise the limit for themselves (UploadLimits).
            k.Limits.MaxRequestBodySize = JsonBodyLimit;
        });
        // Cookies are sealed with keys of this deployment, kept in its data directory: a cookie minted by another
        // server on the same machine (or with the default key ring) does not open this one.
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(options.DataDir, "cookie-keys"))).SetApplicationName("MinerWatch:" + options.DataDir);
        services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = options.MaxUploadBytes);

        services.AddDbContext<MinerWatchDb>(o => Database.Configure(o, options.Connection));
        services.AddIdentityCore<User>(o =>
            {
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
                o.Lockout.AllowedForNewUsers = true;
            })
            .AddSignInManager()
            .AddEntityFrameworkStores<MinerWatchDb>()
            .AddClaimsPrincipalFactory<UserClaimsFactory>();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SmartScheme;
                o.DefaultChallengeScheme = SmartScheme;
            })
            .AddPolicyScheme(SmartScheme, "cookie or API key", o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal) ? ApiKeys.Scheme : IdentityConstants.ApplicationScheme)
            .AddCookie(IdentityConstants.ApplicationScheme, o =>
            {
                o.Cookie.Name = "minerwatch";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                // An API answers 401 and 403; it does not redirect to a sign-in page.
                o.Events.OnValidatePrincipal = ValidateSessionAsync;
                o.Events.OnRedirectToLogin = c => Status(c.HttpContext, 401, "sign in first (POST /api/v1/auth/login) or send an API key");
                o.Events.OnRedirectToAccessDenied = c => Status(c.HttpContext, 403, "your role may not do this");
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeys.Scheme, null);
        services.AddAuthorization(Policies.Add);
        services.AddAntiforgery(o =>
        {
            o.HeaderName = "X-CSRF-TOKEN";
            o.Cookie.Name = "minerwatch-csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddProblemDetails();
        // A body or query that does not bind is thrown, so its problem says what was wrong.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<ProblemHandler>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = 429;
            o.OnRejected = async (context, cancel) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait))
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                else context.HttpContext.Response.Headers.RetryAfter = "60";
                await Problem(context.HttpContext, 429, "too many requests: wait for the time in Retry-After");
            };
            o.AddPolicy(LoginLimit, http => RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "?",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.LoginsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.AddPolicy(UploadLimit, http => RateLimitPartition.GetFixedWindowLimiter(
                http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? http.Connection.RemoteIpAddress?.ToString() ?? "?",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.UploadsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "MinerWatch";
            document.Info.Description = "The inspection platform's API: data in, meters' scores, cases per region, sealed evidence, campaign figures. See docs/api.md.";
            // Where a client reached the server is not part of the contract (and comes from the Host header).
            document.Servers = [];
            return Task.CompletedTask;
        }));
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never;
        });
        // The console's files go compressed (the chart libraries shrink to a third); API answers do not, as some
        // carry secrets beside text a client chose (compression would leak them by length).
        services.AddResponseCompression(o => o.MimeTypes = ["text/javascript", "application/javascript", "text/css", "text/html"]);
        services.AddHttpClient("webhooks", c => c.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => WebhookSender.Handler(options.WebhooksToLoopback));

        services.AddSingleton(sp => EvidenceStore.OpenOrCreate(options.DataDir, options.Origin));
        services.AddSingleton<CaseFeed>();
        services.AddSingleton<CaseLog>();
        services.AddSingleton<JobQueue>();
        services.AddScoped<MeterDataJob>();
        services.AddScoped<NetworkDataJob>();
        // Hosted services start in order: the database and the log are ready before any job or webhook runs.
        services.AddHostedService<StartupTasks>();
        services.AddHostedService<IngestWorker>();
        services.AddHostedService<WebhookSender>();
        if (options.Watch is not null) services.AddHostedService<FolderWatcher>();
    }

    public static void MapEndpoints(WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(async (http, next) =>
        {
            // Set as the answer starts, so an error answer (whose headers the exception handler clears) has them too.
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.ContentSecurityPolicy = http.Items[ContentSecurityPolicyKey] as string ?? "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                if (http.Request.Path.StartsWithSegments("/api") && http.Response.ContentType != "text/event-stream") headers.CacheControl = "no-store";
                return Task.CompletedTask;
            });
            await next(http);
        });
        if (ConsoleAssets.Find() is { } console)
        {
            app.UseWhen(http => !http.Request.Path.StartsWithSegments("/api"), branch => branch.UseResponseCompression());
            app.UseStaticFiles(new StaticFileOptions { FileProvider = console.Files, OnPrepareResponse = c => ConsoleAssets.CacheHeaders(c.Context) });
            app.MapGet("/", (HttpContext http) =>
            {
                http.Items[ContentSecurityPolicyKey] = console.ContentSecurityPolicy;
                http.Response.Headers.CacheControl = "no-cache";
                return Results.Content(console.Page, "text/html; charset=utf-8");
            }).AllowAnonymous().ExcludeFromDescription();
        }
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.Use(async (http, next) =>
        {
            // A write made with the sign-in cookie must carry the antiforgery token: a page on another site can make
            // the browser send the cookie, but cannot read the token. Keys in the Authorization header need none.
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method)
                && http.User.Identity is { IsAuthenticated: true, AuthenticationType: not ApiKeys.Scheme }
                && !http.Request.Path.StartsWithSegments("/api/v1/auth/login"))
            {
                var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
                if (!await antiforgery.IsRequestValidAsync(http))
                {
                    await Problem(http, 400, "missing or wrong antiforgery token: read it from GET /api/v1/auth/me and send it in the X-CSRF-TOKEN header");
                    return;
                }
            }
            await next(http);
        });
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapGet("/healthz", () => TypedResults.Text("ok")).AllowAnonymous().ExcludeFromDescription();
        var api = app.MapGroup("/api/v1");
        api.MapAuthApi().MapDataApi().MapCasesApi().MapCampaignApi().MapEvaluationApi().MapEvidenceApi().MapAdminApi().MapFeedApi().MapMetersApi().MapSitesApi();
    }

    public const long JsonBodyLimit = 1 << 20;
    private const string ContentSecurityPolicyKey = "minerwatch.csp";

    /// <summary>An upload endpoint's own body limit (Kestrel's is the small JSON one).</summary>
    internal static void AllowUpload(HttpContext http, ServerOptions options)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = options.MaxUploadBytes;
    }

    /// <summary>
    /// Every request with a cookie is checked against the database: the person still exists, has not signed out since
    /// (sign-out changes the security stamp), and still has the role and region the cookie names.
    /// </summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var users = context.HttpContext.RequestServices.GetRequiredService<UserManager<User>>();
        var principal = context.Principal;
        var id = principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var user = id is null ? null : await users.FindByIdAsync(id);
        if (principal is not null && user is not null && principal.FindFirstValue(users.Options.ClaimsIdentity.SecurityStampClaimType) == user.SecurityStamp
            && principal.FindFirstValue(Caller.RoleClaim) == user.Role && principal.FindFirstValue(Caller.RegionClaim) == user.Region) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
    }

    private static Task Status(HttpContext http, int status, string detail) => Problem(http, status, detail);

    internal static async Task Problem(HttpContext http, int status, string detail)
    {
        http.Response.StatusCode = status;
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            // 429 is not among the framework's defaults: its type is RFC 6585's.
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Detail = detail, Type = status == 429 ? "https://tools.ietf.org/html/rfc6585#section-4" : null },
        });
    }

}

/// <summary>Creates or upgrades the database and opens the evidence log before the server takes requests.</summary>
internal sealed class StartupTasks(IServiceScopeFactory scopes, EvidenceStore evidence, ILogger<StartupTasks> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancel)
    {
        using var scope = scopes.CreateScope();
        await Database.MigrateAsync(scope.ServiceProvider.GetRequiredService<MinerWatchDb>(), cancel);
        log.LogInformation("evidence log {Dir}: {Size} entries", evidence.Directory, evidence.Size);
    }

    public Task StopAsync(CancellationToken cancel) => Task.CompletedTask;
}
