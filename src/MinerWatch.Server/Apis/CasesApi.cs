using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MinerWatch.Application;
using MinerWatch.Application.Cases;
using MinerWatch.Application.Evidence;
using MinerWatch.Application.Regions;
using MinerWatch.Persistence;
using MinerWatch.Server.Auth;
using MinerWatch.Server.Cases;
using MinerWatch.Server.Ingest;

namespace MinerWatch.Server.Apis;

public sealed record CaseSummary(string Id, string SubjectKind, string SubjectId, string Region, string Status, string? CustomerClass, double Score,
    string? AssigneeId, DateOnly? Due, double? MiningKw, DateTime Opened, DateTime Updated);
public sealed record CaseView(string Id, string SubjectKind, string SubjectId, string Region, string Status, string? CustomerClass, double Score,
    string? AssigneeId, DateOnly? Due, JsonElement Finding, JsonElement? Estimates, double? MiningKw, string? InspectionReport, string? DismissReason,
    bool? Disconnected, double? AmountBilled, double? AmountRecovered, double? KwRemoved, string Currency, DateTime Opened, DateTime Updated, int Version,
    IReadOnlyList<string> AllowedTransitions);
public sealed record EventView(string Id, string Kind, DateTime At, string Actor, JsonElement Entry, string Sha256, long? LogIndex);
public sealed record AttachmentView(string Id, string FileName, string MediaType, string Sha256, long Size, DateTime Added, string AddedBy);
public sealed record TaskView(string Id, string Text, bool Done, DateTime Created);
public sealed record NewCase(string SubjectKind, string SubjectId, string? Region = null, string? Note = null);
public sealed record TransitionRequest(string To, string? AssigneeId = null, DateOnly? Due = null, string? Report = null, string? Reason = null,
    bool? Disconnected = null, double? AmountBilled = null, double? AmountRecovered = null, double? KwRemoved = null);
public sealed record CommentRequest(string Text);
public sealed record TaskRequest(string Text);
public sealed record TaskUpdate(bool Done);

/// <summary>Cases: lists scoped to the caller's region (an inspector sees only what is assigned to them), the workflow, and the evidence.</summary>
public static class CasesApi
{
    public static RouteGroupBuilder MapCasesApi(this RouteGroupBuilder api)
    {
        var cases = api.MapGroup("/cases").WithTags("Cases");

        cases.MapGet("/", async (HttpContext http, MinerWatchDb db, string? region, string? status, string? assignee, string? @class, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "min_score")] double? minScore,
            string? sort, string? cursor, int? limit, CancellationToken cancel) =>
        {
            var q = Filtered(db, Caller.Of(http.User), region, status, assignee, @class, minScore);
            var take = Math.Clamp(limit ?? 50, 1, 500);
            List<CaseSummary> rows;
            // Only the summary's columns are read: a case's finding and estimates are kilobytes each.
            var summaries = (IOrderedQueryable<Case> ordered) => ordered.Take(take + 1).Select(c => new CaseSummary(c.Id, c.SubjectKind, c.SubjectId, c.Region, c.Status,
                c.CustomerClass, c.Score, c.AssigneeId, c.Due, c.MiningKw, c.Opened, c.Updated)).ToListAsync(cancel);
            if (sort is null or "opened")
            {
                if (cursor is not null) q = q.Where(c => string.Compare(c.Id, cursor) < 0);
                rows = await summaries(q.OrderByDescending(c => c.Id));
            }
            else if (sort == "score")
            {
                if (cursor is not null)
                {
                    var (score, id) = ScoreCursor(cursor);
                    q = q.Where(c => c.Score < score || c.Score == score && string.Compare(c.Id, id) < 0);
                }
                rows = await summaries(q.OrderByDescending(c => c.Score).ThenByDescending(c => c.Id));
            }
            else throw ApiProblem.Bad($"sort '{sort}': give opened or score");
            string? next = rows.Count > take ? sort == "score" ? $"{rows[take - 1].Score.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}~{rows[take - 1].Id}" : rows[take - 1].Id : null;
            return TypedResults.Ok(new Page<CaseSummary>([.. rows.Take(take)], next));
        }).RequireAuthorization(Policies.People);

        cases.MapGet("/export", async (HttpContext http, MinerWatchDb db, UserManager<User> users, string? region, string? status, string? assignee, string? @class,
            [Microsoft.AspNetCore.Mvc.FromQuery(Name = "min_score")] double? minScore, CancellationToken cancel) =>
        {
            // The district list: every case the filters select (not one page), highest score first, with the site's
            // name, place and feeder and the assignee's name, as CSV for a spreadsheet or a field team's phone.
            var q = Filtered(db, Caller.Of(http.User), region, status, assignee, @class, minScore).AsNoTracking();
            var rows = await q.OrderByDescending(c => c.Score).ThenBy(c => c.Id)
                .GroupJoin(db.Sites.AsNoTracking(), c => c.SubjectId, s => s.MeterId, (c, s) => new { c, s })
                .SelectMany(x => x.s.DefaultIfEmpty(), (x, s) => new
                {
                    x.c.Id,
                    x.c.SubjectKind,
                    x.c.SubjectId,
                    x.c.Region,
                    x.c.Status,
                    x.c.Score,
                    x.c.CustomerClass,
                    x.c.MiningKw,
                    x.c.AssigneeId,
                    x.c.Due,
                    x.c.Opened,
                    Name = x.c.SubjectKind == "meter" && s != null ? s.Name : null,
                    Latitude = x.c.SubjectKind == "meter" && s != null ? s.Latitude : null,
                    Longitude = x.c.SubjectKind == "meter" && s != null ? s.Longitude : null,
                    Feeder = x.c.SubjectKind == "meter" && s != null ? s.FeederId : null,
                }).ToListAsync(cancel);
            var names = await users.Users.AsNoTracking().Select(u => new { u.Id, u.UserName }).ToDictionaryAsync(u => u.Id, u => u.UserName ?? "", cancel);
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            var csv = new System.Text.StringBuilder("case,subject_kind,subject_id,region,status,score,customer_class,mining_kw,assignee,due,site_name,latitude,longitude,feeder_id,opened\n");
            // Text is guarded against formulas; numbers written here (a negative longitude) are left as they are.
            static string T(string? text) => CsvText.Field(text ?? "");
            foreach (var r in rows)
            {
                csv.AppendJoin(',', [T(r.Id), T(r.SubjectKind), T(r.SubjectId), T(r.Region), r.Status, r.Score.ToString("0.####", inv), T(r.CustomerClass),
                    r.MiningKw?.ToString("0.##", inv), T(r.AssigneeId is { } a && names.TryGetValue(a, out var who) ? who : null), r.Due?.ToString("yyyy-MM-dd", inv),
                    T(r.Name), r.Latitude?.ToString("0.#####", inv), r.Longitude?.ToString("0.#####", inv), T(r.Feeder), r.Opened.ToString("yyyy-MM-ddTHH:mm:ssZ", inv)]).Append('\n');
            }
            return Results.Text(csv.ToString(), "text/csv; charset=utf-8");
        }).RequireAuthorization(Policies.People).Produces<string>(200, "text/csv");

        cases.MapPost("/", async (NewCase body, HttpContext http, MinerWatchDb db, CaseLog log, TimeProvider clock, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            if (body.SubjectKind is not ("meter" or "host")) throw ApiProblem.Bad("subject_kind: give meter or host");
            if (string.IsNullOrWhiteSpace(body.SubjectId) || body.SubjectId.Length > 200) throw ApiProblem.Bad("subject_id: give 1 to 200 characters");
            Limit("note", body.Note);
            string region;
            string? customerClass = null;
            double score = 0;
            var finding = "{}";
            if (body.SubjectKind == "meter")
            {
                var site = await db.Sites.AsNoTracking().FirstOrDefaultAsync(s => s.MeterId == body.SubjectId, cancel);
                if (site is null || !caller.Covers(site.Region)) throw ApiProblem.NotFound($"meter {body.SubjectId}");
                region = site.Region;
                customerClass = site.CustomerClass;
                var s = await db.MeterScores.AsNoTracking().FirstOrDefaultAsync(m => m.MeterId == body.SubjectId, cancel);
                if (s is not null) (score, finding) = (s.Score, s.FindingJson);
            }
            else
            {
                region = RegionPath.Normalize(body.Region) is { Length: > 0 } r ? r : throw ApiProblem.Bad("region is required for a host case");
                if (!caller.Covers(region)) throw ApiProblem.NotFound($"region {region}");
            }
            // One active case a subject: the check and the insert are one step in this server.
            await Opening.WaitAsync(cancel);
            try
            {
                if (await HasActiveCaseAsync(db, body.SubjectKind, body.SubjectId, region, null, cancel))
                    throw ApiProblem.Conflict($"{body.SubjectKind} {body.SubjectId} already has an active case");
                return await OpenAsync();
            }
            finally
            {
                Opening.Release();
            }

            async Task<IResult> OpenAsync()
            {
                var now = clock.GetUtcNow().UtcDateTime;
                var c = new Case
                {
                    Id = Guid.CreateVersion7().ToString("N"),
                    SubjectKind = body.SubjectKind,
                    SubjectId = body.SubjectId,
                    Region = region,
                    Status = CaseWorkflow.Open,
                    CustomerClass = customerClass,
                    Score = score,
                    FindingJson = finding,
                    Opened = now,
                    Updated = now,
                    Version = 1,
                };
                if (body.SubjectKind == "meter" && finding != "{}" && JsonSerializer.Deserialize<MinerWatch.Grid.Scan.MeterFinding>(finding, MinerWatch.Grid.Scan.ScanJson.Options) is { } meterFinding)
                {
                    var estimates = CaseEstimates.From(meterFinding);
                    c.EstimatesJson = JsonSerializer.Serialize(estimates, CaseLog.Json);
                    c.MiningKw = meterFinding.MiningKw;
                }
                db.Cases.Add(c);
                using var doc = JsonDocument.Parse(finding);
                using var estimatesDoc = JsonDocument.Parse(c.EstimatesJson ?? "null");
                log.Add(db, c, "opened", caller.Name, new { reason = body.Note ?? "opened by hand", finding = doc.RootElement, estimates = estimatesDoc.RootElement });
                await db.SaveChangesAsync(cancel);
                await log.FlushAsync(db, cancel);
                return TypedResults.Created($"/api/v1/cases/{c.Id}", View(c, caller));
            }
        }).RequireAuthorization(Policies.Leads);

        cases.MapGet("/{id}", async (string id, HttpContext http, MinerWatchDb db, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            var c = await Find(db, caller, id, cancel);
            http.Response.Headers.ETag = ETag(c);
            return TypedResults.Ok(View(c, caller));
        }).RequireAuthorization(Policies.People);

        cases.MapPost("/{id}/transitions", async (string id, TransitionRequest body, HttpContext http, MinerWatchDb db, CaseLog log, UserManager<User> users,
            TimeProvider clock, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            var c = await Find(db, caller, id, cancel);
            CheckIfMatch(http, c);
            var to = body.To;
            if (!CaseWorkflow.Statuses.Contains(to)) throw ApiProblem.Bad($"to '{to}': give one of {string.Join(", ", CaseWorkflow.Statuses)}");
            if (!CaseWorkflow.Allowed(c.Status).Contains(to))
                throw ApiProblem.Conflict($"a case that is {c.Status} cannot become {to}; it can become {(CaseWorkflow.Allowed(c.Status) is { Count: > 0 } a ? string.Join(", ", a) : "nothing more: it is closed")}");
            if (!CaseWorkflow.RoleMay(caller.Role, to, c.AssigneeId == caller.Id))
                throw ApiProblem.Forbidden(caller.Role == Roles.Inspector ? "an inspector records the inspection (to inspected) of a case assigned to them; a lead makes the other moves" : $"a {caller.Role} cannot move cases");
            if (caller.Role == Roles.Inspector && (body.AmountBilled is not null || body.AmountRecovered is not null || body.KwRemoved is not null || body.Disconnected is not null || body.AssigneeId is not null || body.Due is not null))
                throw ApiProblem.Forbidden("an inspector may not set amounts, disconnection, assignee or due date: a lead does");
            Limit("report", body.Report);
            Limit("reason", body.Reason);
            foreach (var (name, value, max) in new[] { ("amount_billed", body.AmountBilled, 1e12), ("amount_recovered", body.AmountRecovered, 1e12), ("kw_removed", body.KwRemoved, 1e7) })
                if (value is { } v && !(double.IsFinite(v) && v >= 0 && v <= max)) throw ApiProblem.Bad($"{name} {v}: give a number from 0 to {max:0.#####E+0}");
            if (to == CaseWorkflow.Open && await HasActiveCaseAsync(db, c.SubjectKind, c.SubjectId, c.Region, c.Id, cancel))
                throw ApiProblem.Conflict($"{c.SubjectKind} {c.SubjectId} has another active case: work on that one");
            var data = new Dictionary<string, object?> { ["from"] = c.Status, ["to"] = to };
            switch (to)
            {
                case CaseWorkflow.Assigned:
                    if (string.IsNullOrWhiteSpace(body.AssigneeId)) throw ApiProblem.Bad("assignee_id is required to assign a case");
                    var assignee = await users.FindByIdAsync(body.AssigneeId);
                    if (assignee is null || assignee.Role is not (Roles.Inspector or Roles.Lead) || !RegionPath.IsWithin(c.Region, assignee.Region))
                        throw ApiProblem.Bad($"assignee {body.AssigneeId} is not an inspector or lead whose region covers {c.Region}");
                    c.AssigneeId = assignee.Id;
                    c.Due = body.Due;
                    data["assignee"] = assignee.UserName;
                    data["due"] = body.Due;
                    break;
                case CaseWorkflow.Inspected:
                    if (string.IsNullOrWhiteSpace(body.Report)) throw ApiProblem.Bad("report is required: what the inspection found");
                    c.InspectionReport = body.Report;
                    data["report"] = body.Report;
                    break;
                case CaseWorkflow.Dismissed:
                    if (string.IsNullOrWhiteSpace(body.Reason)) throw ApiProblem.Bad("reason is required to dismiss a case");
                    c.DismissReason = body.Reason;
                    data["reason"] = body.Reason;
                    break;
                case CaseWorkflow.Rectified:
                    if (body.Disconnected is null && body.AmountBilled is null) throw ApiProblem.Bad("say what was done: disconnected and/or amount_billed");
                    c.Disconnected = body.Disconnected ?? c.Disconnected;
                    c.AmountBilled = body.AmountBilled ?? c.AmountBilled;
                    c.KwRemoved = body.KwRemoved ?? c.KwRemoved ?? c.MiningKw;
                    c.KwhPerYearAvoided = c.KwRemoved * 8760;
                    if (c.EstimatesJson is not null && JsonSerializer.Deserialize<CaseEstimates>(c.EstimatesJson, CaseLog.Json) is { EmissionFactorGPerKwh: { } g })
                        c.Co2TonnesPerYearAvoided = Math.Round(c.KwhPerYearAvoided.GetValueOrDefault() * g / 1e6, 2);
                    data["disconnected"] = c.Disconnected;
                    data["amount_billed"] = c.AmountBilled;
                    data["kw_removed"] = c.KwRemoved;
                    data["kwh_per_year_avoided"] = c.KwhPerYearAvoided;
                    data["co2_tonnes_per_year_avoided"] = c.Co2TonnesPerYearAvoided;
                    break;
                case CaseWorkflow.Open or CaseWorkflow.Confirmed:
                    // A reopened or confirmed case is no longer dismissed; the dismissal stays in its events.
                    c.DismissReason = null;
                    break;
                case CaseWorkflow.Closed:
                    c.AmountRecovered = body.AmountRecovered ?? c.AmountRecovered;
                    data["amount_recovered"] = c.AmountRecovered;
                    break;
            }
            c.Status = to;
            c.Updated = clock.GetUtcNow().UtcDateTime;
            c.Version++;
            log.Add(db, c, "transition", caller.Name, data);
            await db.SaveChangesAsync(cancel);
            await log.FlushAsync(db, cancel);
            http.Response.Headers.ETag = ETag(c);
            return TypedResults.Ok(View(c, caller));
        }).RequireAuthorization(Policies.CaseWorkers);

        cases.MapPost("/{id}/comments", async (string id, CommentRequest body, HttpContext http, MinerWatchDb db, CaseLog log, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            var c = await Find(db, caller, id, cancel);
            if (string.IsNullOrWhiteSpace(body.Text) || body.Text.Length > 10000) throw ApiProblem.Bad("text: give 1 to 10000 characters");
            var e = log.Add(db, c, "comment", caller.Name, new { text = body.Text });
            await db.SaveChangesAsync(cancel);
            await log.FlushAsync(db, cancel);
            return TypedResults.Created($"/api/v1/cases/{c.Id}/events", EventOf(e));
        }).RequireAuthorization(Policies.CaseWorkers);

        cases.MapGet("/{id}/events", async (string id, HttpContext http, MinerWatchDb db, CancellationToken cancel) =>
        {
            var c = await Find(db, Caller.Of(http.User), id, cancel);
            var events = await db.CaseEvents.AsNoTracking().Where(e => e.CaseId == c.Id).ToListAsync(cancel);
            return TypedResults.Ok(events.OrderBy(e => e.At).ThenBy(e => e.Id, StringComparer.Ordinal).Select(EventOf).ToList());
        }).RequireAuthorization(Policies.People);

        cases.MapPost("/{id}/attachments", async (string id, HttpContext http, MinerWatchDb db, CaseLog log, ServerOptions options, TimeProvider clock, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            var c = await Find(db, caller, id, cancel);
            var attachmentId = Guid.CreateVersion7().ToString("N");
            var dir = Path.Combine(options.DataDir, "attachments", c.Id, attachmentId);
            List<StoredFile> files;
            ServerApp.AllowUpload(http, options);
            try
            {
                (files, _) = await Uploads.ReadAsync(http.Request, dir, new HashSet<string> { "file" }, options.MaxUploadBytes, cancel);
                if (files.Count != 1) throw ApiProblem.Bad("send exactly one file part named 'file'");
            }
            catch
            {
                if (Directory.Exists(dir)) Directory.Delete(dir, true);
                throw;
            }
            var f = files[0];
            var a = new Attachment
            {
                Id = attachmentId,
                CaseId = c.Id,
                FileName = f.Name,
                MediaType = MediaType(f.Name),
                Sha256 = f.Sha256,
                Size = f.Size,
                StoredPath = f.Path,
                Added = clock.GetUtcNow().UtcDateTime,
                AddedBy = caller.Name,
            };
            db.Attachments.Add(a);
            log.Add(db, c, "attachment", caller.Name, new { attachment = a.Id, file = a.FileName, sha256 = a.Sha256, size = a.Size, media_type = a.MediaType });
            c.Version++;
            c.Updated = a.Added;
            await db.SaveChangesAsync(cancel);
            await log.FlushAsync(db, cancel);
            return TypedResults.Created($"/api/v1/cases/{c.Id}/attachments/{a.Id}", AttachmentOf(a));
        }).RequireAuthorization(Policies.CaseWorkers).DisableAntiforgery();

        cases.MapGet("/{id}/attachments", async (string id, HttpContext http, MinerWatchDb db, CancellationToken cancel) =>
        {
            var c = await Find(db, Caller.Of(http.User), id, cancel);
            var list = await db.Attachments.AsNoTracking().Where(a => a.CaseId == c.Id).ToListAsync(cancel);
            return TypedResults.Ok(list.OrderBy(a => a.Added).Select(AttachmentOf).ToList());
        }).RequireAuthorization(Policies.People);

        cases.MapGet("/{id}/attachments/{attachmentId}", async (string id, string attachmentId, HttpContext http, MinerWatchDb db, CancellationToken cancel) =>
        {
            var c = await Find(db, Caller.Of(http.User), id, cancel);
            var a = await db.Attachments.AsNoTracking().FirstOrDefaultAsync(x => x.CaseId == c.Id && x.Id == attachmentId, cancel)
                ?? throw ApiProblem.NotFound($"attachment {attachmentId}");
            return TypedResults.PhysicalFile(a.StoredPath, a.MediaType, a.FileName);
        }).RequireAuthorization(Policies.People);

        cases.MapPost("/{id}/tasks", async (string id, TaskRequest body, HttpContext http, MinerWatchDb db, CaseLog log, TimeProvider clock, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            var c = await Find(db, caller, id, cancel);
            if (string.IsNullOrWhiteSpace(body.Text) || body.Text.Length > 2000) throw ApiProblem.Bad("text: give 1 to 2000 characters");
            var t = new CaseTask { Id = Guid.CreateVersion7().ToString("N"), CaseId = c.Id, Text = body.Text, Created = clock.GetUtcNow().UtcDateTime };
            db.CaseTasks.Add(t);
            log.Add(db, c, "task", caller.Name, new { task = t.Id, text = t.Text });
            await db.SaveChangesAsync(cancel);
            await log.FlushAsync(db, cancel);
            return TypedResults.Created($"/api/v1/cases/{c.Id}/tasks/{t.Id}", new TaskView(t.Id, t.Text, t.Done, t.Created));
        }).RequireAuthorization(Policies.CaseWorkers);

        cases.MapGet("/{id}/tasks", async (string id, HttpContext http, MinerWatchDb db, CancellationToken cancel) =>
        {
            var c = await Find(db, Caller.Of(http.User), id, cancel);
            var tasks = await db.CaseTasks.AsNoTracking().Where(t => t.CaseId == c.Id).ToListAsync(cancel);
            return TypedResults.Ok(tasks.OrderBy(t => t.Created).Select(t => new TaskView(t.Id, t.Text, t.Done, t.Created)).ToList());
        }).RequireAuthorization(Policies.People);

        cases.MapPut("/{id}/tasks/{taskId}", async (string id, string taskId, TaskUpdate body, HttpContext http, MinerWatchDb db, CaseLog log, CancellationToken cancel) =>
        {
            var caller = Caller.Of(http.User);
            var c = await Find(db, caller, id, cancel);
            var t = await db.CaseTasks.FirstOrDefaultAsync(x => x.CaseId == c.Id && x.Id == taskId, cancel) ?? throw ApiProblem.NotFound($"task {taskId}");
            t.Done = body.Done;
            log.Add(db, c, "task", caller.Name, new { task = t.Id, done = t.Done });
            await db.SaveChangesAsync(cancel);
            await log.FlushAsync(db, cancel);
            return TypedResults.Ok(new TaskView(t.Id, t.Text, t.Done, t.Created));
        }).RequireAuthorization(Policies.CaseWorkers);

        cases.MapGet("/{id}/events/{eventId}/entry", async (string id, string eventId, HttpContext http, MinerWatchDb db, CancellationToken cancel) =>
        {
            // The event's bytes exactly as appended to the log: what its proof is checked against.
            var c = await Find(db, Caller.Of(http.User), id, cancel);
            var e = await db.CaseEvents.AsNoTracking().FirstOrDefaultAsync(x => x.CaseId == c.Id && x.Id == eventId, cancel) ?? throw ApiProblem.NotFound($"event {eventId}");
            return TypedResults.Bytes(System.Text.Encoding.UTF8.GetBytes(e.Json), "application/json");
        }).RequireAuthorization(Policies.People);

        cases.MapGet("/{id}/events/{eventId}/proof", async (string id, string eventId, HttpContext http, MinerWatchDb db, EvidenceStore evidence, CancellationToken cancel) =>
        {
            // A read: it never appends; the writes and the worker bring events into the log.
            var c = await Find(db, Caller.Of(http.User), id, cancel);
            var e = await db.CaseEvents.AsNoTracking().FirstOrDefaultAsync(x => x.CaseId == c.Id && x.Id == eventId, cancel) ?? throw ApiProblem.NotFound($"event {eventId}");
            if (e.LogIndex is not { } index) throw ApiProblem.Conflict($"event {eventId} is not in the evidence log yet: try again in a moment");
            return TypedResults.Text(evidence.Proof(index), "text/plain; charset=utf-8");
        }).RequireAuthorization(Policies.People);

        cases.MapGet("/{id}/load", async (string id, HttpContext http, MinerWatchDb db, CancellationToken cancel) =>
        {
            // The load picture of a meter case, kept by the job that last judged the meter.
            var c = await Find(db, Caller.Of(http.User), id, cancel);
            var profile = c.SubjectKind == "meter" ? await db.MeterProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.MeterId == c.SubjectId, cancel) : null;
            if (profile is null) throw ApiProblem.NotFound($"a load picture for case {id}");
            return TypedResults.Text(profile.Json, "application/json");
        }).RequireAuthorization(Policies.People);

        cases.MapGet("/{id}/site", async (string id, HttpContext http, MinerWatchDb db, CancellationToken cancel) =>
        {
            // The site of a meter case, for whoever may see the case: the inspector going there needs its place.
            var c = await Find(db, Caller.Of(http.User), id, cancel);
            var site = c.SubjectKind == "meter" ? await db.Sites.AsNoTracking().FirstOrDefaultAsync(s => s.MeterId == c.SubjectId, cancel) : null;
            // A site since moved to another region is that region's to show, not this case's readers'.
            if (site is not null && !RegionPath.OnOneBranch(site.Region, c.Region)) site = null;
            return site is null ? throw ApiProblem.NotFound($"a site for case {id}") : TypedResults.Ok(site);
        }).RequireAuthorization(Policies.People);

        cases.MapGet("/{id}/network", async (string id, HttpContext http, MinerWatchDb db, CancellationToken cancel) =>
        {
            // What the network showed about the case's hosts: through the address book for a site, directly for a host.
            return TypedResults.Ok(await SitesApi.ForCaseAsync(db, await Find(db, Caller.Of(http.User), id, cancel), cancel));
        }).RequireAuthorization(Policies.People);

        cases.MapGet("/{id}/bundle", async (string id, HttpContext http, MinerWatchDb db, EvidenceStore evidence, CancellationToken cancel) =>
        {
            // A read: an event not yet in the log goes in the bundle without a proof (named "pending").
            var caller = Caller.Of(http.User);
            var c = await Find(db, caller, id, cancel);
            var events = (await db.CaseEvents.AsNoTracking().Where(e => e.CaseId == c.Id).ToListAsync(cancel)).OrderBy(e => e.LogIndex).ToList();
            var attachments = await db.Attachments.AsNoTracking().Where(a => a.CaseId == c.Id).ToListAsync(cancel);
            var zip = CaseBundle.Build(View(c, caller), events, attachments, evidence);
            return TypedResults.File(zip, "application/zip", $"case-{c.Id}.zip");
        }).RequireAuthorization(Policies.People);

        return api;
    }

    private static readonly SemaphoreSlim Opening = new(1, 1);

    private static void Limit(string name, string? text)
    {
        if (text is { Length: > 10_000 }) throw ApiProblem.Bad($"{name}: at most 10000 characters (attach a document for more)");
    }

    /// <summary>Meters are one namespace; a host's address is known within its region.</summary>
    private static Task<bool> HasActiveCaseAsync(MinerWatchDb db, string kind, string subject, string region, string? except, CancellationToken cancel) =>
        db.Cases.AnyAsync(c => c.SubjectKind == kind && c.SubjectId == subject && (kind == "meter" || c.Region == region) && c.Id != except
            && (c.Status == CaseWorkflow.Open || c.Status == CaseWorkflow.Assigned || c.Status == CaseWorkflow.Inspected || c.Status == CaseWorkflow.Confirmed), cancel);

    /// <summary>The cases the caller may see that the list's filters select.</summary>
    private static IQueryable<Case> Filtered(MinerWatchDb db, Caller caller, string? region, string? status, string? assignee, string? @class, double? minScore)
    {
        var q = Visible(db, caller);
        if (region is not null) q = q.Within(c => c.Region, RegionQuery.ScopeOf(caller, region));
        if (status is not null)
        {
            if (!CaseWorkflow.Statuses.Contains(status)) throw ApiProblem.Bad($"status '{status}': give one of {string.Join(", ", CaseWorkflow.Statuses)}");
            q = q.Where(c => c.Status == status);
        }
        if (assignee is not null) q = q.Where(c => c.AssigneeId == assignee);
        if (@class is not null) q = q.Where(c => c.CustomerClass == @class);
        if (minScore is { } min)
        {
            if (!double.IsFinite(min)) throw ApiProblem.Bad("min_score: give a number");
            q = q.Where(c => c.Score >= min);
        }
        return q;
    }

    internal static IQueryable<Case> Visible(MinerWatchDb db, Caller caller)
    {
        var q = db.Cases.AsQueryable();
        q = q.Within(c => c.Region, caller.Region);
        if (caller.Role == Roles.Inspector) q = q.Where(c => c.AssigneeId == caller.Id);
        return q;
    }

    /// <summary>A case the caller may see, or 404 as if it did not exist.</summary>
    private static async Task<Case> Find(MinerWatchDb db, Caller caller, string id, CancellationToken cancel) =>
        await Visible(db, caller).FirstOrDefaultAsync(c => c.Id == id, cancel) ?? throw ApiProblem.NotFound($"case {id}");

    private static string ETag(Case c) => $"\"{c.Id}-{c.Version}\"";

    private static void CheckIfMatch(HttpContext http, Case c)
    {
        var ifMatch = http.Request.Headers.IfMatch.ToString();
        if (ifMatch.Length > 0 && ifMatch != "*" && ifMatch != ETag(c))
            throw new ApiProblem(StatusCodes.Status412PreconditionFailed, "Precondition failed", $"the case changed since you read it (now version {c.Version}): read it again and repeat the change");
    }

    private static (double, string) ScoreCursor(string cursor)
    {
        var parts = cursor.Split('~', 2);
        if (parts.Length != 2 || !double.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var score) || !double.IsFinite(score)) throw ApiProblem.Bad("cursor: give the next value of the previous page");
        return (score, parts[1]);
    }


    internal static CaseView View(Case c, Caller caller)
    {
        using var finding = JsonDocument.Parse(c.FindingJson.Length == 0 ? "{}" : c.FindingJson);
        JsonElement? estimates = null;
        if (c.EstimatesJson is not null)
        {
            using var e = JsonDocument.Parse(c.EstimatesJson);
            estimates = e.RootElement.Clone();
        }
        var allowed = CaseWorkflow.Allowed(c.Status).Where(to => CaseWorkflow.RoleMay(caller.Role, to, c.AssigneeId == caller.Id)).ToList();
        return new CaseView(c.Id, c.SubjectKind, c.SubjectId, c.Region, c.Status, c.CustomerClass, c.Score, c.AssigneeId, c.Due, finding.RootElement.Clone(), estimates,
            c.MiningKw, c.InspectionReport, c.DismissReason, c.Disconnected, c.AmountBilled, c.AmountRecovered, c.KwRemoved, c.Currency, c.Opened, c.Updated, c.Version, allowed);
    }

    internal static EventView EventOf(CaseEvent e)
    {
        using var doc = JsonDocument.Parse(e.Json);
        return new EventView(e.Id, e.Kind, e.At, e.Actor, doc.RootElement.Clone(), e.Sha256, e.LogIndex);
    }

    private static AttachmentView AttachmentOf(Attachment a) => new(a.Id, a.FileName, a.MediaType, a.Sha256, a.Size, a.Added, a.AddedBy);

    private static string MediaType(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".heic" => "image/heic",
        ".webp" => "image/webp",
        ".pdf" => "application/pdf",
        ".txt" => "text/plain",
        ".mp4" => "video/mp4",
        _ => "application/octet-stream",
    };
}
