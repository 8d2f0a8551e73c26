using System.Text.Json;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Domain.Drills;

namespace Vigil.Cms.Drills;

/// <summary>A stored drill as operators read it: its figures, each threshold kept or not, and its reasons.</summary>
internal static class DrillRecords
{
    public const string TakeoverThreshold = "takeover";
    public const string GapThreshold = "gap";

    public static string StateName(DrillState state) => state.ToString().ToLowerInvariant();

    public static IReadOnlyList<DrillCameraView> Cameras(DrillRow row) =>
        JsonSerializer.Deserialize<List<DrillCameraView>>(row.CamerasJson, ContractJson.Options) ?? [];

    public static IReadOnlyList<string> Reasons(DrillRow row) => JsonSerializer.Deserialize<List<string>>(row.ReasonsJson) ?? [];

    public static DrillView ToView(DrillRow row, IReadOnlyDictionary<int, string> names)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(names);
        var cameras = Cameras(row);
        var gaps = cameras.SelectMany(c => new[] { c.GapSeconds, c.OwnLongestGapSeconds }).OfType<double>().ToList();
        double? worst = gaps.Count == 0 ? null : Math.Round(gaps.Max(), 2);
        var gapsKept = cameras.Count > 0 && cameras.All(c => c.GapSeconds is { } g && g <= row.MaxGapSeconds && c.OwnLongestGapSeconds is { } o && o <= row.MaxGapSeconds);
        return new DrillView(
            row.Id,
            row.ServerId,
            names.GetValueOrDefault(row.ServerId) ?? row.ServerName,
            row.StandbyId,
            row.StandbyId is { } standby ? names.GetValueOrDefault(standby) ?? row.StandbyName : row.StandbyName,
            row.EpisodeId,
            row.State.ToLowerInvariant(),
            row.Step,
            row.Trigger,
            row.Actor,
            row.StartedAt,
            row.ActiveAt,
            row.FailbackAt,
            row.EndedAt,
            row.HoldSeconds,
            row.TakeoverSeconds is { } takeover ? Math.Round(takeover, 2) : null,
            worst,
            cameras,
            row.RestoredFiles,
            row.RestoredBytes,
            row.StandbyFilesSeen,
            row.StandbyFilesHome,
            [
                new DrillThresholdView(TakeoverThreshold, row.MaxTakeoverSeconds, row.TakeoverSeconds is { } t ? Math.Round(t, 2) : null,
                    row.TakeoverSeconds is { } kept && kept <= row.MaxTakeoverSeconds),
                new DrillThresholdView(GapThreshold, row.MaxGapSeconds, worst, gapsKept),
            ],
            Reasons(row));
    }
}
