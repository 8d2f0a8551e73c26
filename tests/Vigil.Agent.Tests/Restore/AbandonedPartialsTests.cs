using Vigil.Agent.Restore;

namespace Vigil.Agent.Tests.Restore;

/// <summary>Partial files of restores nobody continues go after a week untouched; anything younger, or not a partial file, stays.</summary>
public sealed class AbandonedPartialsTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 7, 0, 0, TimeSpan.Zero);
    private readonly string _root = Directory.CreateTempSubdirectory("vigil-partials-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_partial_file_untouched_for_more_than_a_week_is_deleted_and_a_younger_one_is_kept_for_its_resume()
    {
        var space = Path.Combine(_root, "space1");
        var abandoned = Write(space, ".restoring/cam1.Video.aa.part", Now - AbandonedPartials.KeptFor - TimeSpan.FromMinutes(1));
        var resumable = Write(space, ".restoring/cam1.Video.bb.part", Now - AbandonedPartials.KeptFor + TimeSpan.FromMinutes(1));
        var other = Write(space, ".restoring/notes.txt", Now.AddYears(-1));
        var footage = Write(space, "own/cam1/2026-11-01/restored-000000.part", Now.AddYears(-1));

        var deleted = new AbandonedPartials([space, Path.Combine(_root, "space-without-restores")]).Prune(Now);

        deleted.ShouldBe(1);
        File.Exists(abandoned).ShouldBeFalse();
        File.Exists(resumable).ShouldBeTrue("a copy cut off less than a week ago may still resume from it");
        File.Exists(other).ShouldBeTrue("only partial files are pruned");
        File.Exists(footage).ShouldBeTrue("nothing outside the partial folder is touched");
    }

    private static string Write(string space, string relative, DateTimeOffset modified)
    {
        var path = Path.Combine(space, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [0x47]);
        File.SetLastWriteTimeUtc(path, modified.UtcDateTime);
        return path;
    }
}
