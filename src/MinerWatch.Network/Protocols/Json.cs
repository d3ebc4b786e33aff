using System.Text.Json;

namespace MinerWatch.Network.Protocols;

/// <summary>
/// One JSON value as the bytes it was read from, looked into with <see cref="Utf8JsonReader"/> on demand: what
/// JsonElement offers, without building a document or copying the line. A mining message is read for a few
/// fields of its first level, so looking them up again costs less than indexing every token of a job's long hex
/// strings. Each look starts its own reader in place: a reader is a large struct, and handing one back from a helper
/// copied it each time, which cost more than the reading. Only <see cref="ReadObject"/> validates; the values it hands
/// out lie inside the validated text.
/// </summary>
internal readonly ref struct Json
{
    public static readonly JsonReaderOptions Options = new() { MaxDepth = 16 };
    private readonly ReadOnlySpan<byte> _raw;
    private readonly JsonTokenType _kind;

    private Json(ReadOnlySpan<byte> raw, JsonTokenType kind)
    {
        _raw = raw;
        _kind = kind;
    }

    /// <summary>
    /// Reads the text as one JSON object in one pass, keeping the members <paramref name="names"/> lists (of a name
    /// given twice, the last, as JsonDocument) in <paramref name="members"/> by the name's place in the list. False
    /// when the text is a JSON value other than an object; throws <see cref="JsonException"/> when it is not exactly
    /// one valid JSON value. With <paramref name="stop"/>, the reading ends as soon as what the object's kind needs has
    /// been read (see <see cref="EarlyStop"/>): the rest is neither kept nor checked.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static bool ReadObject(ReadOnlySpan<byte> text, KnownNames names, Span<Member> members, EarlyStop? stop = null)
    {
        // The reader refuses text without a value, and (read once more at the end) anything but white space after it.
        var reader = new Utf8JsonReader(text, Options);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            reader.Read();
            return false;
        }
        var needed = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = names.IndexOf(ref reader);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            var kind = reader.TokenType;
            if (stop is not null && index == stop.Array && needed > 0 && kind == JsonTokenType.StartArray)
            {
                var read = 0;
                while (read < needed && reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    reader.Skip();
                    read++;
                }
                // The token after them is read too, so that the elements kept end where a value cannot (the next
                // one begins, or the array ends) and the separator before it is checked.
                var end = read == needed && reader.Read() && reader.TokenType != JsonTokenType.EndArray ? (int)reader.TokenStartIndex : (int)reader.BytesConsumed;
                members[index] = new Member(start, end - start, kind);
                return true;
            }
            if (stop is not null && index == stop.Key)
            {
                needed = kind == JsonTokenType.String ? stop.Leading(stop.Keys.IndexOf(ref reader)) : -1;
                if (needed == 0)
                {
                    members[index] = new Member(start, (int)reader.BytesConsumed - start, kind);
                    return true;
                }
            }
            reader.Skip();
            if (index >= 0) members[index] = new Member(start, (int)reader.BytesConsumed - start, kind);
        }
        reader.Read();
        return true;
    }

    /// <summary>Where a member's value lies in the text it was read from, and its kind.</summary>
    public readonly record struct Member(int Start, int Length, JsonTokenType Kind);

    /// <summary>The value of a member <see cref="ReadObject"/> kept, in the same text; a value of no kind when it was absent.</summary>
    public static Json Of(ReadOnlySpan<byte> text, Member member) =>
        member.Kind == JsonTokenType.None ? default : new Json(text.Slice(member.Start, member.Length), member.Kind);

    public bool IsObject => _kind == JsonTokenType.StartObject;
    public bool IsArray => _kind == JsonTokenType.StartArray;
    public bool IsString => _kind == JsonTokenType.String;
    public bool IsNumber => _kind == JsonTokenType.Number;

    /// <summary>The value of a member of this object; of a name given twice, the last (as JsonDocument).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public bool TryGetProperty(ReadOnlySpan<byte> name, out Json value)
    {
        value = default;
        if (!IsObject) return false;
        var reader = new Utf8JsonReader(_raw, Options);
        reader.Read();
        var found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            if (match)
            {
                value = Take(ref reader, _raw);
                found = true;
            }
            else reader.Skip();
        }
        return found;
    }

    public bool Has(ReadOnlySpan<byte> name) => TryGetProperty(name, out _);

    /// <summary>The element at <paramref name="index"/> of this array; a value of no kind when there is none.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public Json Element(int index)
    {
        if (!IsArray) return default;
        var reader = new Utf8JsonReader(_raw, Options);
        reader.Read();
        for (var i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
        {
            if (i == index) return Take(ref reader, _raw);
            reader.Skip();
        }
        return default;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public int ArrayLength()
    {
        var reader = new Utf8JsonReader(_raw, Options);
        reader.Read();
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            count++;
            reader.Skip();
        }
        return count;
    }

    /// <summary>Whether an element of this array is a string that starts with <paramref name="prefix"/> (compared unescaped).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public bool AnyStringStartsWith(ReadOnlySpan<byte> prefix)
    {
        var reader = new Utf8JsonReader(_raw, Options);
        reader.Read();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String
                && (reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan).StartsWith(prefix))
                return true;
            reader.Skip();
        }
        return false;
    }

    /// <summary>The string; throws <see cref="InvalidOperationException"/> when its bytes are not valid UTF-8.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public string GetString()
    {
        var reader = new Utf8JsonReader(_raw, Options);
        reader.Read();
        return reader.GetString()!;
    }

    /// <summary>The place in <paramref name="names"/> of the name this string equals, or -1: matched in place, no string is made.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public int IndexIn(KnownNames names)
    {
        var reader = new Utf8JsonReader(_raw, Options);
        reader.Read();
        return names.IndexOf(ref reader);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public bool TryGetDouble(out double value)
    {
        var reader = new Utf8JsonReader(_raw, Options);
        reader.Read();
        return reader.TryGetDouble(out value);
    }

    /// <summary>The value the reader stands on, as its bytes; the reader is left on its last token.</summary>
    private static Json Take(scoped ref Utf8JsonReader reader, ReadOnlySpan<byte> text)
    {
        var start = (int)reader.TokenStartIndex;
        var kind = reader.TokenType;
        reader.Skip();
        return new Json(text[start..(int)reader.BytesConsumed], kind);
    }
}

/// <summary>
/// When <see cref="Json.ReadObject"/> may stop: once member <see cref="Key"/> is read as a string, its place among
/// <see cref="Keys"/> (-1 when none) tells through <see cref="Leading"/> how many leading elements of the array in
/// member <see cref="Array"/> the object needs: 0 for none (the reading stops at once), -1 for the whole object.
/// </summary>
internal sealed record EarlyStop(int Key, KnownNames Keys, int Array, Func<int, int> Leading);

/// <summary>Names a string value is matched against in place (<see cref="Json.IndexIn"/>), kept with their UTF-8 bytes.</summary>
internal sealed class KnownNames
{
    private readonly byte[][] _utf8;
    private readonly string[] _names;

    public KnownNames(string[] names)
    {
        _names = names;
        _utf8 = new byte[names.Length][];
        for (var i = 0; i < names.Length; i++) _utf8[i] = System.Text.Encoding.UTF8.GetBytes(names[i]);
    }

    public string this[int index] => _names[index];

    /// <summary>The place in the list of the string or member name the reader stands on, or -1.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public int IndexOf(scoped ref Utf8JsonReader reader)
    {
        var utf8 = _utf8;
        for (var i = 0; i < utf8.Length; i++)
        {
            if (reader.ValueIsEscaped ? reader.ValueTextEquals(utf8[i]) : reader.ValueSpan.SequenceEqual(utf8[i])) return i;
        }
        return -1;
    }
}
