using System.Net;
using System.Net.Http.Headers;
using Microsoft.Data.Sqlite;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Storage;

/// <summary>What the SQLite file of a CMS holds, read directly: secrets encrypted, schema versions guarded.</summary>
[Collection(CmsTestGroup.Name)]
public sealed class SqliteStorageTests(AgentsFixture agents)
{
    [Fact]
    public async Task The_agent_credential_is_stored_encrypted_with_a_key_outside_the_database()
    {
        await using var database = await TestDatabase.SqliteAsync();
        await using var cms = await CmsUnderTest.StartAsync(database);
        await cms.AddAsync(AgentsFixture.Add(agents.Standby1, ServerRoleName.Standby));

        var stored = await ScalarAsync(cms, "SELECT ProtectedCredential FROM servers");

        Directory.EnumerateFiles(Path.Combine(cms.DataDirectory, "keys"), "key-*.xml").ShouldNotBeEmpty();
        using var agent = new HttpClient { BaseAddress = agents.Standby1.BaseUrl };
        agent.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", stored);
        (await agent.GetAsync(AgentRoutes.Info.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "the stored value must not be the credential itself");
        await Eventually.UntilAsync(async () => (await cms.ServersAsync()).Single().Health.LastProbe is not null, TimeSpan.FromSeconds(15), "a probe with the decrypted credential");
        (await cms.ServersAsync()).Single().Health.State.ShouldBe("healthy");

        // The same database without the keys folder (a backup of the database alone): the stored value is useless. An
        // encoding (base64, hex) would still open; only a key kept outside the database makes this fail.
        await cms.Process.DisposeAsync();
        Directory.Move(Path.Combine(cms.DataDirectory, "keys"), Path.Combine(cms.DataDirectory, "keys-elsewhere"));
        await cms.StartAsync();
        var access = await Eventually.GetAsync(async () => (await cms.ServersAsync()).Single().Health.Access, TimeSpan.FromSeconds(15),
            "the CMS to say it cannot read the stored credential");
        access.ShouldContain("cannot read its stored credential");
    }

    [Fact]
    public async Task A_database_written_by_a_newer_cms_is_refused_with_a_clear_message()
    {
        await using var database = await TestDatabase.SqliteAsync();
        await using var cms = await CmsUnderTest.StartAsync(database);
        (await ScalarAsync(cms, "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId LIMIT 1")).ShouldBe("0001_Initial");
        await cms.Process.DisposeAsync();
        await ExecuteAsync(cms, "INSERT INTO __EFMigrationsHistory (MigrationId, ProductVersion) VALUES ('9999_FromTheFuture', '10.0.14')");

        var refused = await Should.ThrowAsync<InvalidOperationException>(cms.StartAsync);

        refused.Message.ShouldContain("newer Vigil CMS (schema 9999_FromTheFuture)");
    }

    [Fact]
    public async Task A_database_of_the_first_schema_is_upgraded_at_start_and_keeps_its_servers()
    {
        await using var database = await TestDatabase.SqliteAsync();
        await using var cms = await CmsUnderTest.StartAsync(database);
        var added = await cms.AddAsync(AgentsFixture.Add(agents.Standby1, ServerRoleName.Standby, name: "kept"));
        await cms.Process.DisposeAsync();

        // What a CMS of the first release leaves behind: schema 0001 only.
        await ExecuteAsync(cms, """
            DROP TABLE episodes; DROP TABLE events; DROP TABLE alert_deliveries; DROP TABLE drills; DROP TABLE update_packages; DROP TABLE server_updates;
            DROP TABLE data_protection_keys;
            ALTER TABLE servers DROP COLUMN ProtectionFailedFor;
            ALTER TABLE servers DROP COLUMN ProtectionFailureReason;
            ALTER TABLE servers DROP COLUMN ProtectionFailedAt;
            ALTER TABLE users DROP COLUMN Role;
            ALTER TABLE sessions DROP COLUMN LastSeenAt;
            DELETE FROM __EFMigrationsHistory WHERE MigrationId <> '0001_Initial';
            """);
        await cms.StartAsync();

        (await ScalarAsync(cms, "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId DESC LIMIT 1")).ShouldBe("0010_HostReach");
        (await ScalarAsync(cms, "SELECT Role FROM users WHERE Name = 'admin'")).ShouldBe("administrator");
        (await cms.GetAsync<ServerView>(CmsRoutes.Server(added.Id))).Name.ShouldBe("kept");
        (await cms.GetAsync<FailoverList>(CmsRoutes.Failovers)).Failovers.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_failover_written_by_the_second_schema_keeps_its_note_in_words_after_the_upgrade()
    {
        await using var database = await TestDatabase.SqliteAsync();
        await using var cms = await CmsUnderTest.StartAsync(database);
        var added = await cms.AddAsync(AgentsFixture.Add(agents.Recording1, ServerRoleName.Recording, name: "kept"));
        await cms.Process.DisposeAsync();

        // Schema 0002: no row version, and notes stored as plain words.
        await ExecuteAsync(cms, $"""
            ALTER TABLE episodes DROP COLUMN Version;
            DELETE FROM __EFMigrationsHistory WHERE MigrationId = '0003_EpisodeVersion';
            INSERT INTO episodes (RecordingServerId, RecordingServerName, GroupId, Origin, Phase, Epoch, FootageOnJson, FailedStandbysJson,
                OriginalRecording, RestoreBytesCopied, RestoreBytesTotal, RestoreFilesCopied, RestoreFilesTotal, Resolution, Note, IsOpen,
                StartedAt, PhaseSince, EndedAt)
            VALUES ({added.Id}, 'kept', 1, 'Automatic', 'Completed', 3, '[]', '[]', 0, 0, 0, 0, 0, 'Restored', 'restore complete; removing footage',
                0, '2026-11-01 10:00:00+00:00', '2026-11-01 10:05:00+00:00', '2026-11-01 10:05:00+00:00');
            """);
        await cms.StartAsync();

        var latest = await cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(added.Id));
        latest.Phase.ShouldBe("completed");
        latest.Note.ShouldBe("restore complete; removing footage");
        latest.Epoch.ShouldBe(3);
        latest.FootageKey.ShouldBe($"episode-{latest.Id}", "the key its standby recorded under before leader terms existed");
    }

    private static async Task<string> ScalarAsync(CmsUnderTest cms, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(cms.DataDirectory, "cms.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = new SqliteCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(CmsUnderTest cms, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(cms.DataDirectory, "cms.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = new SqliteCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
