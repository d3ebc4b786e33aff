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
    private const int MaxParts = 100;
    private const int MaxField = 1000;

    public static async Task<(List<StoredFile> Files, Dictionary<string, string> Fields)> ReadAsync(HttpRequest request, string dir,
        IReadOnlySet<string> roles, long maxBytes, CancellationToken cancel)
    {
        if (!request.HasFormContentType || !MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
            throw ApiProblem.Bad("send the files as multipart/form-data");
        Directory.CreateDirectory(dir);
        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 << 10 };
        var files = new List<StoredFile>();
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            await ReadSectionsAsync(reader, dir, roles, maxBytes, files, fields, cancel);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException and not BadHttpRequestException && !cancel.IsCancellationRequested)
        {
            throw ApiProblem.Bad("the upload was cut short or is not well-formed multipart/form-data: " + e.Message);
        }
        return (files, fields);
    }

    private static async Task ReadSectionsAsync(MultipartReader reader, string dir, IReadOnlySet<string> roles, long maxBytes, List<StoredFile> files,
        Dictionary<string, string> fields, CancellationToken cancel)
    {
        long total = 0;
        while (await reader.ReadNextSectionAsync(cancel) is { } section)
        {
            if (files.Count + fields.Count >= MaxParts) throw ApiProblem.Bad($"more than {MaxParts} parts in one upload");
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) throw ApiProblem.Bad("a part of the upload has no Content-Disposition");
            var role = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            if (!disposition.IsFileDisposition())
            {
                // Read no further than the longest value allowed: a field is a word, not a file.
                using var text = new StreamReader(section.Body);
                var buffer = new char[MaxField + 1];
                var length = 0;
                int got;
                while (length < buffer.Length && (got = await text.ReadAsync(buffer.AsMemory(length), cancel)) > 0) length += got;
                if (length > MaxField) throw ApiProblem.Bad($"the field '{role}' is longer than {MaxField} characters");
                fields[role] = new string(buffer, 0, length);
                continue;
            }
            if (!roles.Contains(role)) throw ApiProblem.Bad($"unknown file part '{role}': send {string.Join(", ", roles)}");
            var name = CleanName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value ?? HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? role);
            // The stored name keeps a plain extension: the readers tell Parquet from CSV by it.
            var extension = System.IO.Path.GetExtension(name).ToLowerInvariant();
            if (extension.Length is < 2 or > 11 || !extension[1..].All(char.IsAsciiLetterOrDigit)) extension = ".csv";
            var path = System.IO.Path.Combine(dir, $"{role}-{files.Count(f => f.Role == role) + 1}{extension}");
            var (sha256, size) = await SaveAsync(section.Body, path, maxBytes - total, maxBytes, cancel);
            total += size;
            if (size == 0) throw ApiProblem.Bad($"{name} (part '{role}') is empty");
            files.Add(new StoredFile(role, name, path, sha256, size));
        }
    }

    /// <summary>
    /// Copies a body to a new file, hashing as it goes, and flushes it to disk; past <paramref name="maxBytes"/> (what is left of the
    /// request's <paramref name="limit"/>) it is a 413 (counted here as well as by the web server: not every host enforces its request limit).
    /// </summary>
    public static async Task<(string Sha256, long Size)> SaveAsync(Stream body, string path, long maxBytes, long limit, CancellationToken cancel)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await body.ReadAsync(buffer, cancel)) > 0)
            {
                size += read;
                if (size > maxBytes) throw new ApiProblem(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"the upload is larger than the {limit:N0} bytes this server accepts");
                sha.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancel);
            }
            await file.FlushAsync(cancel);
            file.Flush(flushToDisk: true);
        }
        return (Convert.ToHexStringLower(sha.GetHashAndReset()), size);
    }

    /// <summary>
    /// A sent file name as it is kept and shown: its last segment by either slash (a bundle is unpacked on Windows too),
    /// without control characters, at most 200 characters.
    /// </summary>
    public static string CleanName(string name)
    {
        var last = name.Split('/', '\\').Last();
        var clean = new string([.. last.Where(c => !char.IsControl(c))]).Trim();
        if (clean is "" or "." or "..") clean = "file";
        return clean.Length > 200 ? clean[^200..] : clean;
    }

    /// <summary>One hash for the whole delivery: the same files in the same roles, with the same fields, for the same region.</summary>
    public static string ContentHash(string region, IEnumerable<StoredFile> files, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var text = "region " + region + "\n" + string.Join('\n', files.Select(f => $"{f.Role} {f.Sha256}").Order(StringComparer.Ordinal)
            .Concat(fields.Select(kv => $"field {kv.Key}={kv.Value}").Order(StringComparer.Ordinal)));
        return Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }
}
