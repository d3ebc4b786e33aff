using System.Globalization;
using System.Net;

namespace MinerWatch.Energy.Network;

/// <summary>
/// Writes the network estimate as a standalone SVG line chart (annualised TWh: upper, best guess, lower over time).
/// Hand-written because a chart of three lines needs a few dozen elements, and the plotting libraries for .NET that
/// export SVG bring native graphics dependencies with them.
/// </summary>
public static class NetworkChart
{
    private const int Width = 900, Height = 420, Left = 70, Right = 20, Top = 40, Bottom = 50;

    public static void Write(TextWriter w, IReadOnlyList<NetworkEstimate> series, string title)
    {
        var points = series.Where(e => e.BestGuess is not null).ToList();
        var inv = CultureInfo.InvariantCulture;
        w.WriteLine(string.Create(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        w.WriteLine("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        w.WriteLine(string.Create(inv, $"<text x=\"{Left}\" y=\"22\" font-size=\"15\">{WebUtility.HtmlEncode(title)}</text>"));
        if (points.Count == 0)
        {
            w.WriteLine(string.Create(inv, $"<text x=\"{Left}\" y=\"{Height / 2}\">no day had a profitable model: nothing to draw</text></svg>"));
            return;
        }
        var first = points[0].Date.DayNumber;
        var span = Math.Max(1, points[^1].Date.DayNumber - first);
        var max = NiceCeiling(points.Max(e => e.Upper!.TwhPerYear));
        double X(DateOnly d) => Left + (double)(d.DayNumber - first) / span * (Width - Left - Right);
        double Y(double v) => Height - Bottom - v / max * (Height - Top - Bottom);

        for (var k = 0; k <= 5; k++)
        {
            var v = max * k / 5;
            w.WriteLine(string.Create(inv, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(v):0.#}\" y2=\"{Y(v):0.#}\" stroke=\"#ddd\"/><text x=\"{Left - 6}\" y=\"{Y(v) + 4:0.#}\" text-anchor=\"end\">{v:0.#}</text>"));
        }
        w.WriteLine(string.Create(inv, $"<text x=\"16\" y=\"{(Top + Height - Bottom) / 2}\" transform=\"rotate(-90 16 {(Top + Height - Bottom) / 2})\" text-anchor=\"middle\">TWh per year</text>"));
        foreach (var tick in Ticks(points[0].Date, points[^1].Date))
            w.WriteLine(string.Create(inv, $"<text x=\"{X(tick):0.#}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{tick:yyyy-MM-dd}</text>"));
        Line(w, points, X, Y, e => e.Upper!.TwhPerYear, "#c0392b", "upper bound");
        Line(w, points, X, Y, e => e.BestGuess!.TwhPerYear, "#2c3e50", "best guess");
        Line(w, points, X, Y, e => e.Lower!.TwhPerYear, "#27ae60", "lower bound");
        w.WriteLine("</svg>");
    }

    private static void Line(TextWriter w, List<NetworkEstimate> points, Func<DateOnly, double> x, Func<double, double> y, Func<NetworkEstimate, double> value, string colour, string label)
    {
        var inv = CultureInfo.InvariantCulture;
        var path = string.Join(' ', points.Select(e => string.Create(inv, $"{x(e.Date):0.#},{y(value(e)):0.#}")));
        var shape = points.Count == 1
            ? string.Create(inv, $"<circle cx=\"{x(points[0].Date):0.#}\" cy=\"{y(value(points[0])):0.#}\" r=\"4\" fill=\"{colour}\"/>")
            : $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{path}\"/>";
        w.WriteLine($"<g><title>{label}</title>{shape}</g>");
        var last = points[^1];
        w.WriteLine(string.Create(inv, $"<text x=\"{x(last.Date) - 4:0.#}\" y=\"{y(value(last)) - 6:0.#}\" text-anchor=\"end\" fill=\"{colour}\">{label} {value(last):0.##}</text>"));
    }

    private static IEnumerable<DateOnly> Ticks(DateOnly from, DateOnly to)
    {
        var n = to.DayNumber - from.DayNumber;
        if (n == 0)
        {
            yield return from;
            yield break;
        }
        for (var k = 0; k <= 4; k++) yield return DateOnly.FromDayNumber(from.DayNumber + n * k / 4);
    }

    private static double NiceCeiling(double v)
    {
        if (!(v > 0)) return 1;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(v)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= v) return step * magnitude;
        }
        return 10 * magnitude;
    }
}
