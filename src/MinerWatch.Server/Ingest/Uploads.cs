using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace MinerWatch.Server.Ingest;

/// <summary>One file of an upload as stored: its part name (readings, sites, ...), its name as sent, where it lies, its SHA-256.</summary>
public sealed record StoredFile(string Role, string Name, string Path, string Sha256, long Size);

/// <summary>
/// Streams a multipart upload to disk part by part (never whole into memory), hashing as it goes. Files are flushed to
/// disk before the job that names them is recorded, so an acknowledged upload survives a crash.
/// </summary>
public static class Uploads
{
    public static async Task<(List<StoredFile> Files, Dictionary<string, string> Fields)> ReadAsync(HttpRequest request, string dir,
        IReadOnlySet<string> roles, long maxBytes, CancellationToken cancel)
    {
        long total = 0;
        if (!request.HasFormContentType || !MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
            throw ApiProblem.Bad("send the files as multipart/form-data");
        Directory.CreateDirectory(dir);
        var reader = new MultipartReader(boundary, request.Body);
        var files = new List<StoredFile>();
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadNextSectionAsync(cancel) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) throw ApiProblem.Bad("a part of the upload has no Content-Disposition");
            var role = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            if (!disposition.IsFileDisposition())
            {
                using var text = new StreamReader(section.Body);
                var value = await text.ReadToEndAsync(cancel);
                if (value.Length > 1000) throw ApiProblem.Bad($"the field '{role}' is longer than 1000 characters");
                fields[role] = value;
                continue;
            }
            if (!roles.Contains(role)) throw ApiProblem.Bad($"unknown file part '{role}': send {string.Join(", ", roles)}");
            var name = System.IO.Path.GetFileName(HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? role);
            // The stored name keeps a plain extension: the readers tell Parquet from CSV by it.
            var extension = System.IO.Path.GetExtension(name).ToLowerInvariant();
            if (extension.Length is < 2 or > 11 || !extension[1..].All(char.IsAsciiLetterOrDigit)) extension = ".csv";
            var path = System.IO.Path.Combine(dir, $"{role}-{files.Count(f => f.Role == role) + 1}{extension}");
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await section.Body.ReadAsync(buffer, cancel)) > 0)
                {
                    total += read;
                    // Counted here as well as by the web server: not every host enforces its request limit.
                    if (total > maxBytes) throw new ApiProblem(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"the upload is larger than the {maxBytes:N0} bytes this server accepts");
                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancel);
                    size += read;
                }
                await file.FlushAsync(cancel);
                file.Flush(flushToDisk: true);
            }
            files.Add(new StoredFile(role, name, path, Convert.ToHexStringLower(sha.GetHashAndReset()), size));
        }
        return (files, fields);
    }

    /// <summary>One hash for the whole delivery: the same files in the same roles (and fields) are the same delivery.</summary>
    public static string ContentHash(IEnumerable<StoredFile> files, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var text = string.Join('\n', files.Select(f => $"{f.Role} {f.Sha256}").Order(StringComparer.Ordinal)
            .Concat(fields.Select(kv => $"field {kv.Key}={kv.Value}").Order(StringComparer.Ordinal)));
        return Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }
}
