using System.Globalization;
using System.Net;
using System.Text;

namespace Vigil.Bench.Report;

/// <summary>Small self-contained SVG charts for the report: a point per sample, or a line per series over x.</summary>
public static class SvgChart
{
    private const int Width = 640;
    private const int Height = 320;
    private const int Left = 60;
    private const int Right = 20;
    private const int Top = 30;
    private const int Bottom = 45;
    private static readonly string[] Colours = ["#1f5fbf", "#b3261e", "#1e7d45", "#8a5a00"];

    /// <summary>Sorted samples as a distribution (x: fraction of trials, y: value), with horizontal target lines.</summary>
    public static string Distribution(string title, string unit, IReadOnlyList<double> samples, params (string Label, double Value)[] targets)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var sorted = samples.Order().ToArray();
        var points = sorted.Select((v, i) => (X: sorted.Length == 1 ? 1.0 : (double)i / (sorted.Length - 1), Y: v)).ToList();
        var max = Math.Max(sorted.DefaultIfEmpty(1).Max(), targets.Select(t => t.Value).DefaultIfEmpty(0).Max()) * 1.1;
        return Chart(title, "fraction of trials (sorted)", unit, 0, 1, max, [("samples", points)], targets, dots: true);
    }

    /// <summary>One line per series over a shared x axis.</summary>
    public static string Lines(string title, string xLabel, string yLabel, IReadOnlyList<(string Name, IReadOnlyList<(double X, double Y)> Points)> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var all = series.SelectMany(s => s.Points).ToList();
        var xMax = all.Select(p => p.X).DefaultIfEmpty(1).Max();
        var yMax = all.Select(p => p.Y).DefaultIfEmpty(1).Max() * 1.1;
        return Chart(title, xLabel, yLabel, 0, xMax, yMax, series, [], dots: true);
    }

    private static string Chart(
        string title, string xLabel, string yLabel, double xMin, double xMax, double yMax,
        IReadOnlyList<(string Name, IReadOnlyList<(double X, double Y)> Points)> series, (string Label, double Value)[] targets, bool dots)
    {
        yMax = yMax <= 0 ? 1 : yMax;
        xMax = xMax <= xMin ? xMin + 1 : xMax;
        double Px(double x) => Left + ((x - xMin) / (xMax - xMin) * (Width - Left - Right));
        double Py(double y) => Height - Bottom - (y / yMax * (Height - Top - Bottom));
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        svg.Append(Invariant($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>"));
        svg.Append(Invariant($"<text x=\"{Width / 2}\" y=\"18\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{Escape(title)}</text>"));
        for (var i = 0; i <= 4; i++)
        {
            var y = yMax * i / 4;
            svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Py(y):0.#}\" y2=\"{Py(y):0.#}\" stroke=\"#e3e7ed\"/>"));
            svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{Py(y) + 4:0.#}\" text-anchor=\"end\">{BenchmarkReport.Format(y)}</text>"));
            var x = xMin + ((xMax - xMin) * i / 4);
            svg.Append(Invariant($"<text x=\"{Px(x):0.#}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{BenchmarkReport.Format(x)}</text>"));
        }

        svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"#5f6b7a\"/>"));
        svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\" stroke=\"#5f6b7a\"/>"));
        svg.Append(Invariant($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 8}\" text-anchor=\"middle\">{Escape(xLabel)}</text>"));
        svg.Append(Invariant($"<text x=\"14\" y=\"{(Top + Height - Bottom) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {(Top + Height - Bottom) / 2})\">{Escape(yLabel)}</text>"));
        foreach (var (label, value) in targets)
        {
            svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Py(value):0.#}\" y2=\"{Py(value):0.#}\" stroke=\"#b3261e\" stroke-dasharray=\"6 4\"/>"));
            svg.Append(Invariant($"<text x=\"{Width - Right - 4}\" y=\"{Py(value) - 4:0.#}\" text-anchor=\"end\" fill=\"#b3261e\">{Escape(label)}</text>"));
        }

        for (var s = 0; s < series.Count; s++)
        {
            var colour = Colours[s % Colours.Length];
            var points = series[s].Points.OrderBy(p => p.X).ToList();
            if (points.Count > 1)
            {
                svg.Append(Invariant($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{string.Join(' ', points.Select(p => Invariant($"{Px(p.X):0.#},{Py(p.Y):0.#}")))}\"/>"));
            }

            if (dots)
            {
                foreach (var (x, y) in points)
                {
                    svg.Append(Invariant($"<circle cx=\"{Px(x):0.#}\" cy=\"{Py(y):0.#}\" r=\"3\" fill=\"{colour}\"/>"));
                }
            }

            if (series.Count > 1)
            {
                svg.Append(Invariant($"<text x=\"{Left + 10}\" y=\"{Top + 14 + (s * 16)}\" fill=\"{colour}\">{Escape(series[s].Name)}</text>"));
            }
        }

        return svg.Append("</svg>").ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
