using System.Security.Claims;
using MinerWatch.Application;
using MinerWatch.Application.Regions;

namespace MinerWatch.Server.Auth;

/// <summary>Who is asking: a person or a machine's key, its role and the region subtree it is granted.</summary>
public sealed record Caller(string Id, string Name, string Role, string Region)
{
    public const string RoleClaim = "mw:role";
    public const string RegionClaim = "mw:region";

    public static Caller Of(ClaimsPrincipal user) => new(
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "",
        user.FindFirstValue(ClaimTypes.Name) ?? "",
        user.FindFirstValue(RoleClaim) ?? "",
        user.FindFirstValue(RegionClaim) ?? "");

    public bool Covers(string region) => RegionPath.IsWithin(region, Region);
    public bool IsAdmin => Role == Roles.Admin;
    public bool MayChange => Role is Roles.Admin or Roles.Lead;
}

/// <summary>The authorization policies; every endpoint names one (or is anonymous on purpose).</summary>
public static class Policies
{
    /// <summary>Any person: reads within their region.</summary>
    public const string People = "people";
    /// <summary>Admins and leads: manage cases, amounts, assignments.</summary>
    public const string Leads = "leads";
    /// <summary>Who works cases: admins, leads, inspectors.</summary>
    public const string CaseWorkers = "case-workers";
    /// <summary>Who may upload data: admins, leads, ingest keys.</summary>
    public const string Uploaders = "uploaders";
    /// <summary>Who reads everything in a region (meters, evaluation, evidence): admins, leads and auditors.</summary>
    public const string Auditors = "auditors";
    public const string Admins = "admins";
    /// <summary>Anyone signed in, person or key.</summary>
    public const string Anyone = "anyone";

    public static void Add(Microsoft.AspNetCore.Authorization.AuthorizationOptions options)
    {
        void Policy(string name, params string[] roles) =>
            options.AddPolicy(name, p => p.RequireAuthenticatedUser().RequireClaim(Caller.RoleClaim, roles));
        Policy(People, Roles.People);
        Policy(Leads, Roles.Admin, Roles.Lead);
        Policy(CaseWorkers, Roles.Admin, Roles.Lead, Roles.Inspector);
        Policy(Uploaders, Roles.Admin, Roles.Lead, Roles.Ingest);
        Policy(Auditors, Roles.Admin, Roles.Lead, Roles.Auditor);
        Policy(Admins, Roles.Admin);
        Policy(Anyone, Roles.All);
        options.FallbackPolicy = new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
    }
}
