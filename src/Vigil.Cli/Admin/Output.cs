using System.Text.Json;
using Vigil.Contracts;

namespace Vigil.Cli.Admin;

/// <summary>What admin commands print: aligned tables for people, indented JSON (the API's own shape) for scripts.</summary>
internal static class Output
{
    private static readonly JsonSerializerOptions Indented = new(ContractJson.Options) { WriteIndented = true };

    public static void Json<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Indented));

    public static void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.ToList();
        var widths = headers.Select((h, i) => all.Select(r => r[i].Length).Append(h.Length).Max()).ToList();
        Console.Out.WriteLine(Line(headers, widths));
        foreach (var row in all)
        {
            Console.Out.WriteLine(Line(row, widths));
        }
    }

    private static string Line(IReadOnlyList<string> cells, List<int> widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Count - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}
