using System.Text;
using System.Text.Json;
using CsCheck;
using MinerWatch.Network.Protocols;

namespace MinerWatch.Network.Tests;

/// <summary>
/// The in-place JSON reader that mining messages are read with, against System.Text.Json's JsonDocument on random
/// texts: the same members (the last of a name given twice), the same elements, strings and numbers, and the same
/// verdict on damaged text (refused exactly when JsonDocument refuses it).
/// </summary>
public class JsonTests
{
    private static readonly string[] Names = ["method", "type", "params", "result", "worker", "id", "jsonrpc"];
    private static readonly KnownNames Known = new(Names[..5]);

    [Fact]
    public void Members_elements_strings_and_numbers_are_those_JsonDocument_reads()
    {
        Gen.Int.Sample(seed =>
        {
            var text = Encoding.UTF8.GetBytes(RandomObject(new Random(seed)));
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
            Span<Json.Member> members = stackalloc Json.Member[5];
            Assert.True(Json.ReadObject(text, Known, members));
            for (var i = 0; i < 5; i++)
            {
                var ours = Json.Of(text, members[i]);
                if (!document.RootElement.TryGetProperty(Names[i], out var theirs))
                {
                    Assert.Equal(JsonTokenType.None, members[i].Kind);
                    continue;
                }
                Assert.Equal(theirs.GetRawText(), Encoding.UTF8.GetString(text, members[i].Start, members[i].Length));
                Same(theirs, ours);
            }
        }, iter: 3000);
    }

    private static void Same(JsonElement theirs, Json ours)
    {
        Assert.Equal(theirs.ValueKind == JsonValueKind.Object, ours.IsObject);
        Assert.Equal(theirs.ValueKind == JsonValueKind.Array, ours.IsArray);
        Assert.Equal(theirs.ValueKind == JsonValueKind.String, ours.IsString);
        Assert.Equal(theirs.ValueKind == JsonValueKind.Number, ours.IsNumber);
        switch (theirs.ValueKind)
        {
            case JsonValueKind.String:
                Assert.Equal(theirs.GetString(), ours.GetString());
                Assert.Equal(Array.IndexOf(Names, theirs.GetString()) is var at && at is >= 0 and < 5 ? at : -1, ours.IndexIn(Known));
                break;
            case JsonValueKind.Number:
                Assert.Equal(theirs.TryGetDouble(out var d), ours.TryGetDouble(out var e));
                Assert.Equal(d, e);
                break;
            case JsonValueKind.Array:
                Assert.Equal(theirs.GetArrayLength(), ours.ArrayLength());
                for (var i = 0; i <= theirs.GetArrayLength(); i++)
                {
                    if (i == theirs.GetArrayLength()) Assert.False(ours.Element(i).IsString || ours.Element(i).IsNumber || ours.Element(i).IsArray || ours.Element(i).IsObject);
                    else Same(theirs[i], ours.Element(i));
                }
                Assert.Equal(theirs.EnumerateArray().Any(x => x.ValueKind == JsonValueKind.String && x.GetString()!.StartsWith("Eth", StringComparison.Ordinal)),
                    ours.AnyStringStartsWith("Eth"u8));
                break;
            case JsonValueKind.Object:
                foreach (var name in Names)
                {
                    Assert.Equal(theirs.TryGetProperty(name, out var member), ours.TryGetProperty(Encoding.UTF8.GetBytes(name), out var mine));
                    if (member.ValueKind != JsonValueKind.Undefined) Same(member, mine);
                }
                break;
        }
    }

    [Fact]
    public void Damaged_text_is_refused_exactly_when_JsonDocument_refuses_it()
    {
        Gen.Select(Gen.Int, Gen.Int[0, 3], Gen.Int[1, 4]).Sample((seed, how, edits) =>
        {
            var random = new Random(seed);
            var text = Encoding.UTF8.GetBytes(RandomObject(random)).ToList();
            for (var e = 0; e < edits && text.Count > 0; e++)
            {
                var at = random.Next(text.Count);
                switch (how)
                {
                    case 0: text[at] = (byte)random.Next(256); break;
                    case 1: text.RemoveRange(at, text.Count - at); break;
                    case 2: text.Insert(at, (byte)"{}[],:\"\\ x0-e"[random.Next(13)]); break;
                    default: text.RemoveAt(at); break;
                }
            }
            var bytes = text.ToArray();
            bool? theirs;
            try
            {
                using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
                theirs = document.RootElement.ValueKind == JsonValueKind.Object;
            }
            catch (JsonException)
            {
                theirs = null;
            }
            bool? ours;
            try
            {
                ours = Json.ReadObject(bytes, Known, stackalloc Json.Member[5]);
            }
            catch (JsonException)
            {
                ours = null;
            }
            Assert.Equal(theirs, ours);
        }, iter: 5000);
    }

    [Theory]
    [InlineData("{\"method\":\"mining.notify\"} {}", "'{' is invalid after a single JSON value")]
    [InlineData("", "does not contain any JSON tokens")]
    [InlineData("   ", "does not contain any JSON tokens")]
    public void Text_that_is_not_exactly_one_value_is_refused(string text, string message)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var refused = Assert.ThrowsAny<JsonException>(() => Json.ReadObject(bytes, Known, stackalloc Json.Member[5]));
        Assert.Contains(message, refused.Message);
    }

    [Fact]
    public void A_message_read_only_in_part_still_follows_its_method_and_checks_what_it_reads()
    {
        // A method that is not a string after one that is: the line is read whole and taken for what it holds.
        var reply = MiningMessage.Parse("{\"method\":\"mining.submit\",\"method\":null,\"params\":[\"x\"],\"result\":{\"job\":{\"job_id\":\"1\",\"blob\":\"ab\",\"target\":\"ffffffff\"}}}"u8, out var malformed);
        Assert.False(malformed);
        Assert.Equal("login reply", reply?.Method);
        // A first parameter that is itself an array: read to its end, then the separator after it is checked.
        var share = MiningMessage.Parse("{\"id\":1,\"method\":\"mining.submit\",\"params\":[[\"a\"],\"b\"]}"u8, out malformed);
        Assert.False(malformed);
        Assert.True(share is { IsShare: true, SubmittedBy: null });
        Assert.Null(MiningMessage.Parse("{\"id\":1,\"method\":\"mining.submit\",\"params\":[[\"a\"] \"b\"]}"u8, out malformed));
        Assert.True(malformed);
    }

    /// <summary>An object of members named from <see cref="Names"/> (some twice), with every kind of value, escapes and white space.</summary>
    private static string RandomObject(Random random)
    {
        var text = new StringBuilder();
        Value(text, random, 0, forceObject: true);
        return text.ToString();
    }

    private static void Value(StringBuilder text, Random random, int depth, bool forceObject = false)
    {
        Space(text, random);
        var kind = forceObject ? 0 : random.Next(depth > 3 ? 2 : 0, 7);
        switch (kind)
        {
            case 0:
                text.Append('{');
                var members = random.Next(0, 7);
                for (var i = 0; i < members; i++)
                {
                    if (i > 0) text.Append(',');
                    Space(text, random);
                    String(text, random, Names[random.Next(Names.Length)]);
                    Space(text, random);
                    text.Append(':');
                    Value(text, random, depth + 1);
                }
                Space(text, random);
                text.Append('}');
                break;
            case 1:
                text.Append('[');
                var elements = random.Next(0, 6);
                for (var i = 0; i < elements; i++)
                {
                    if (i > 0) text.Append(',');
                    Value(text, random, depth + 1);
                }
                Space(text, random);
                text.Append(']');
                break;
            case 2 or 3:
                String(text, random, random.Next(4) switch
                {
                    0 => Names[random.Next(Names.Length)],
                    1 => "EthereumStratum/1.0.0",
                    2 => "Eth\u00e9r \"q\" \\ \u4e2d\u6587 \ud83d\ude00",
                    _ => new string('a', random.Next(0, 40)),
                });
                break;
            case 4:
                text.Append(random.Next(5) switch
                {
                    0 => "0",
                    1 => "-12.5e3",
                    2 => "1e400",
                    3 => random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => "0.000001",
                });
                break;
            default:
                text.Append(random.Next(3) switch { 0 => "true", 1 => "false", _ => "null" });
                break;
        }
        Space(text, random);
    }

    /// <summary>A JSON string of <paramref name="value"/>, each character written as itself or escaped (a surrogate pair whole) at random.</summary>
    private static void String(StringBuilder text, Random random, string value)
    {
        text.Append('"');
        Span<char> units = stackalloc char[2];
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.Value is '"' or '\\') text.Append('\\').Append((char)rune.Value);
            else if (random.Next(8) == 0)
            {
                foreach (var unit in units[..rune.EncodeToUtf16(units)]) text.Append($"\\u{(int)unit:x4}");
            }
            else text.Append(rune.ToString());
        }
        text.Append('"');
    }

    private static void Space(StringBuilder text, Random random)
    {
        if (random.Next(4) == 0) text.Append(" \t\r\n"[random.Next(4)]);
    }
}
