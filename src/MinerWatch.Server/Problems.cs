using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using MinerWatch.Grid.Input;

namespace MinerWatch.Server;

/// <summary>An answer other than success, raised anywhere in a request and written as RFC 9457 problem details.</summary>
public sealed class ApiProblem(int status, string title, string? detail = null, IDictionary<string, object?>? extensions = null) : Exception(detail ?? title)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public string? Detail { get; } = detail;
    public IDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();

    public static ApiProblem NotFound(string what) => new(StatusCodes.Status404NotFound, "Not found", $"{what} does not exist");
    public static ApiProblem Bad(string detail) => new(StatusCodes.Status400BadRequest, "Bad request", detail);
    public static ApiProblem Forbidden(string detail) => new(StatusCodes.Status403Forbidden, "Forbidden", detail);
    public static ApiProblem Conflict(string detail) => new(StatusCodes.Status409Conflict, "Conflict", detail);
}

/// <summary>
/// Turns every failure into problem details: the user's mistakes with what and where, anything else as a bare 500 with
/// a trace id (the stack trace and any SQL stay in the server's log).
/// </summary>
internal sealed class ProblemHandler(IProblemDetailsService problems, ILogger<ProblemHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancel)
    {
        var details = exception switch
        {
            ApiProblem p => Details(p.Status, p.Detail, p.Extensions),
            InputException e => Details(400, e.Message, new Dictionary<string, object?> { ["file"] = Path.GetFileName(e.File), ["line"] = e.Line, ["reason"] = e.Reason }),
            DbUpdateConcurrencyException => Details(412, "the object was changed by someone else meanwhile: read it again and repeat the change"),
            BadHttpRequestException { StatusCode: 413 } => Details(413, "the upload is larger than the server accepts"),
            BadHttpRequestException b => Details(b.StatusCode, "the request could not be read: " + (b.InnerException?.Message ?? b.Message)),
            InvalidDataException d when http.Request.HasFormContentType => Details(400, "the upload could not be read: " + d.Message),
            System.Text.Json.JsonException j => Details(400, "the JSON body could not be read: " + j.Message),
            _ => null,
        };
        if (details is null)
        {
            log.LogError(exception, "unhandled failure on {Path}", http.Request.Path);
            details = Details(500, "the server failed; the operators can find what happened in its log by the trace id");
        }
        http.Response.StatusCode = details.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details, Exception = exception });
    }

    /// <summary>Type and title are left to the framework's defaults, so every problem, ours or its own, reads alike.</summary>
    private static ProblemDetails Details(int status, string? detail, IDictionary<string, object?>? extensions = null)
    {
        var d = new ProblemDetails { Status = status, Detail = detail };
        if (extensions is not null) foreach (var (k, v) in extensions) d.Extensions[k] = v;
        return d;
    }
}
