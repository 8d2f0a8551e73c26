using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using System.Text.RegularExpressions;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Hosting.Updates;
using Vigil.Testing;
using Vigil.Testing.Updates;

namespace Vigil.Agent.Tests.Hosting;

/// <summary>
/// The Debian package that <c>./package</c> builds, checked for real: its control fields and files, its
/// units through <c>systemd-analyze</c>, the program run from an extracted copy (first-start password,
/// second start, <c>READY=1</c> for <c>Type=notify</c>), and the maintainer scripts run against a
/// temporary root with stand-in commands. Nothing is installed into this machine's root.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed partial class DebianPackageTests(DebianPackageTests.Package package) : IClassFixture<DebianPackageTests.Package>
{
    private static readonly TimeSpan CommandDeadline = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task The_control_fields_name_the_package_its_dependencies_and_its_conffiles()
    {
        var fields = await RunAsync("dpkg-deb", ["--field", package.Deb, "Package", "Version", "Architecture", "Depends", "Installed-Size"]);

        fields.ShouldContain("Package: vigil\n");
        fields.ShouldContain($"Version: {package.Version}\n");
        fields.ShouldContain("Architecture: amd64\n");
        var depends = Regex.Match(fields, "^Depends: (.*)$", RegexOptions.Multiline).Groups[1].Value.Split(", ");
        depends.ShouldContain("ffmpeg");
        depends.ShouldContain("adduser");
        depends.ShouldContain(d => d.StartsWith("libicu", StringComparison.Ordinal), "a self-contained .NET program needs ICU");
        depends.ShouldNotContain(d => d.Contains("dotnet", StringComparison.Ordinal), "the program is self-contained");
        int.Parse(Regex.Match(fields, @"^Installed-Size: (\d+)$", RegexOptions.Multiline).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeGreaterThan(10_000);

        File.ReadAllLines(Path.Combine(package.Control, "conffiles")).ShouldBe(["/etc/vigil/cms.env", "/etc/vigil/agent.env"], ignoreOrder: true);
        foreach (var script in new[] { "postinst", "prerm", "postrm" })
        {
            File.GetUnixFileMode(Path.Combine(package.Control, script)).ShouldBe(Mode("755"), script);
        }
    }

    [Fact]
    public async Task The_files_modes_and_links_are_those_the_units_expect_and_no_data_is_shipped()
    {
        var entries = (await RunAsync("dpkg-deb", ["--contents", package.Deb]))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => ContentsLine().Match(line))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups["path"].Value.TrimEnd('/'), m => (Mode: m.Groups["mode"].Value, Owner: m.Groups["owner"].Value, Target: m.Groups["target"].Value));
        var program = $"./usr/lib/vigil/versions/{package.Version}";

        entries.Values.ShouldAllBe(e => e.Owner == "root/root");
        entries[$"{program}/vigil"].Mode.ShouldBe("-rwxr-xr-x");
        entries[$"{program}/libe_sqlite3.so"].Mode.ShouldBe("-rw-r--r--");
        entries[$"{program}/vigil.dll"].Mode.ShouldBe("-rw-r--r--");
        entries["./usr/lib/vigil/current"].ShouldBe(("lrwxrwxrwx", "root/root", $"versions/{package.Version}"));
        entries["./usr/bin/vigil"].ShouldBe(("lrwxrwxrwx", "root/root", "../lib/vigil/current/vigil"));
        entries["./usr/lib/systemd/system/vigil-cms.service"].Mode.ShouldBe("-rw-r--r--");
        entries["./usr/lib/systemd/system/vigil-agent.service"].Mode.ShouldBe("-rw-r--r--");
        entries["./etc/vigil/cms.env"].Mode.ShouldBe("-rw-r-----");
        entries["./etc/vigil/agent.env"].Mode.ShouldBe("-rw-r-----");
        entries.Keys.ShouldNotContain(p => p.StartsWith("./var", StringComparison.Ordinal), "data is never in the package");
        entries.Keys.ShouldNotContain(p => p.EndsWith(".xml", StringComparison.Ordinal), "no XML documentation files");
        entries.Keys.ShouldNotContain(p => p.StartsWith("./usr/lib/systemd/system/multi-user.target.wants", StringComparison.Ordinal), "no unit is enabled by the package");
    }

    [Fact]
    public async Task With_a_key_the_same_program_is_also_a_signed_update_package()
    {
        var manifest = await UpdatePackageReader.ReadAsync(package.UpdatePackage, [package.SigningKey.PublicKey], new Version(0, 0, 1), null, CancellationToken.None);

        var program = Path.Combine(package.Directory, "root", "usr/lib/vigil/versions", package.Version);
        manifest.Version.ShouldBe(package.Version);
        manifest.Files.Select(f => f.Path).Order(StringComparer.Ordinal).ShouldBe(
            System.IO.Directory.EnumerateFiles(program, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(program, f)).Order(StringComparer.Ordinal));
        manifest.Files.Single(f => f.Path == "vigil").Mode.ShouldBe(0x1ED);
        manifest.Files.Single(f => f.Path == "vigil.dll").Sha256.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(program, "vigil.dll")))));
    }

    [Fact]
    public async Task The_units_pass_systemd_analyze_verify_and_are_hardened()
    {
        var analyze = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("systemd-analyze is not installed (Debian package systemd): the units cannot be verified.");

        // A root of its own: the extracted package plus this machine's units, which the package's units
        // need (sysinit.target and the like), so that ExecStart= is checked against the package's own
        // /usr/bin/vigil and not this machine's.
        var root = Path.Combine(package.Directory, "verify-root");
        await RunAsync("dpkg-deb", ["-x", package.Deb, root]);
        var units = Path.Combine(root, "usr/lib/systemd/system");
        foreach (var unit in Directory.EnumerateFileSystemEntries("/usr/lib/systemd/system"))
        {
            var copy = Path.Combine(units, Path.GetFileName(unit));
            if (!Path.Exists(copy) && File.Exists(unit))
            {
                File.Copy(unit, copy);
            }
        }

        foreach (var (unit, role) in new[] { ("vigil-cms.service", "cms"), ("vigil-agent.service", "agent") })
        {
            var verify = await RunAsync(analyze, ["verify", "--man=no", $"--root={root}", unit]);
            verify.Split('\n').ShouldNotContain(line => line.Contains("vigil", StringComparison.Ordinal), $"systemd-analyze verify {unit}:\n{verify}");

            // Exit code 1 above 4.0 of 10 ("OK" is below 5.0).
            await RunAsync(analyze, ["security", "--offline=yes", $"--root={root}", "--threshold=40", unit]);

            var text = await File.ReadAllTextAsync(Path.Combine(units, unit));
            text.ShouldContain("\nType=notify\n");
            text.ShouldContain("\nUser=vigil\n");
            text.ShouldContain("\nRestart=on-failure\n");
            text.ShouldContain($"\nEnvironmentFile=-/etc/vigil/{role}.env\n");
            text.ShouldContain($"\nExecStart=/usr/bin/vigil {role} --data /var/lib/vigil/{role} $VIGIL_{role.ToUpperInvariant()}_ARGS\n");
            text.ShouldContain($"\nStateDirectory=vigil/{role}\n");
            text.ShouldContain("\nStateDirectoryMode=0700\n");
            text.ShouldContain($"\nReadWritePaths=/var/lib/vigil/{role}\n");
            if (role == "agent")
            {
                // It updates itself: a new version beside the others, then "current" switched; exit 75 restarts it.
                text.ShouldContain("\nReadWritePaths=/usr/lib/vigil\n");
                text.ShouldContain("\nRestartForceExitStatus=75\n");
            }

            text.ShouldContain("\nProtectSystem=strict\n");
            text.ShouldContain("\nNoNewPrivileges=yes\n");
            text.ShouldNotContain("\nMemoryDenyWriteExecute=yes", Case.Sensitive, "the .NET JIT needs writable code pages");
        }
    }

    [Fact]
    public async Task The_installed_cms_prints_its_password_on_the_first_start_only_and_answers_with_it()
    {
        var data = Path.Combine(package.Directory, "cms-data");
        string password;
        await using (var first = await StartInstalledAsync("cms", data))
        {
            password = first.Find(@"password \(shown once, keep it\): (\S+)").ShouldNotBeNull(first.Output);
            first.Output.Split('\n').Count(line => line.Contains(password, StringComparison.Ordinal)).ShouldBe(1, first.Output);
            await CmsAnswersAsync(first.BaseUrl, password);
        }

        await using var second = await StartInstalledAsync("cms", data);
        second.Output.ShouldNotContain("shown once", Case.Insensitive, second.Output);
        second.Output.ShouldNotContain(password, Case.Sensitive, second.Output);
        await CmsAnswersAsync(second.BaseUrl, password);
        File.GetUnixFileMode(data).ShouldBe(Mode("700"));
    }

    [Fact]
    public async Task The_installed_agent_prints_its_password_on_the_first_start_only_and_answers_with_it()
    {
        var data = Path.Combine(package.Directory, "agent-data");
        string password;
        await using (var first = await StartInstalledAsync("agent", data, "--name", "packaged-agent"))
        {
            password = first.Find(@"password \(shown once, keep it\): (\S+)").ShouldNotBeNull(first.Output);
            first.Output.Split('\n').Count(line => line.Contains(password, StringComparison.Ordinal)).ShouldBe(1, first.Output);
            await AgentAnswersAsync(first.BaseUrl, password);
        }

        await using var second = await StartInstalledAsync("agent", data, "--name", "packaged-agent");
        second.Output.ShouldNotContain("shown once", Case.Insensitive, second.Output);
        second.Output.ShouldNotContain(password, Case.Sensitive, second.Output);
        await AgentAnswersAsync(second.BaseUrl, password);
        Directory.Exists(Path.Combine(data, "space1")).ShouldBeTrue("the default recording space, inside the unit's state directory");
    }

    [Fact]
    public async Task Under_systemd_the_installed_cms_says_ready_on_the_notify_socket()
    {
        // Type=notify: systemd binds a datagram socket, names it in NOTIFY_SOCKET and waits for READY=1.
        var socketPath = Path.Combine(package.Directory, "notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));

        // .NET's systemd support acts only when its parent process is systemd (as it is for a unit):
        // a shell under the name "systemd" stands in for it, running vigil as its child.
        var systemd = Path.Combine(package.Directory, "bin", "systemd");
        if (!File.Exists(systemd))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(systemd)!);
            File.CreateSymbolicLink(systemd, "/bin/bash");
        }

        await using var cms = await VigilProcess.StartProgramAsync(
            systemd,
            ["-c", "\"$@\"; exit $?", "systemd", package.Vigil, "cms", "--data", Path.Combine(package.Directory, "notified-cms"), "--urls", "http://127.0.0.1:0"],
            new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = socketPath, ["VIGIL_ADMIN_PASSWORD"] = "notify-test-password" });

        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (!received.ToString().Split('\n').Contains("READY=1"))
            {
                var length = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
                received.Append(Encoding.UTF8.GetString(buffer, 0, length)).Append('\n');
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No READY=1 on NOTIFY_SOCKET within 30 s; received: '{received}'\n{cms.Output}");
        }

        await CmsAnswersAsync(cms.BaseUrl, "notify-test-password");
    }

    [Fact]
    public async Task A_first_install_makes_the_user_and_the_private_data_folders_and_starts_nothing()
    {
        var scripts = await package.ScriptRootAsync("first-install");
        System.IO.Directory.CreateDirectory(scripts.Path("usr/lib/vigil/versions"));

        await scripts.RunAsync("postinst", "configure");

        scripts.Calls.ShouldContain("adduser --system --group --home /var/lib/vigil --no-create-home --quiet vigil");
        File.GetUnixFileMode(scripts.Path("var/lib/vigil/cms")).ShouldBe(Mode("700"));
        File.GetUnixFileMode(scripts.Path("var/lib/vigil/agent")).ShouldBe(Mode("700"));
        scripts.Calls.ShouldContain($"chown vigil:vigil {scripts.Path("var/lib/vigil/cms")}");
        scripts.Calls.ShouldContain($"chown root:vigil {scripts.Path("etc/vigil/cms.env")}");
        scripts.Calls.ShouldContain($"chown vigil:vigil {scripts.Path("usr/lib/vigil/versions")}", "the agent installs its updates there");
        scripts.Calls.ShouldContain($"chown vigil:vigil {scripts.Path("usr/lib/vigil")}", "the agent switches the current link there");
        File.GetUnixFileMode(scripts.Path("etc/vigil/agent.env")).ShouldBe(Mode("640"));
        scripts.Calls.ShouldContain("systemctl --system daemon-reload");
        scripts.Calls.ShouldNotContain(c => c.Contains("start", StringComparison.Ordinal) || c.Contains("enable", StringComparison.Ordinal), string.Join('\n', scripts.Calls));

        // Configured again (dpkg-reconfigure, a second configure): the user exists and is left alone.
        scripts.Calls.Clear();
        await scripts.RunAsync("postinst", "configure");
        scripts.Calls.ShouldNotContain(c => c.StartsWith("adduser", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_upgrade_keeps_the_data_and_restarts_only_the_units_that_were_running()
    {
        var scripts = await package.ScriptRootAsync("upgrade");
        await scripts.RunAsync("postinst", "configure");
        var database = scripts.Path("var/lib/vigil/cms/cms.db");
        await File.WriteAllTextAsync(database, "the site's data");
        File.SetUnixFileMode(scripts.Path("etc/vigil/cms.env"), Mode("600"));
        scripts.Calls.Clear();

        // dpkg's order for an upgrade: prerm upgrade NEW-VERSION, unpack, postinst configure OLD-VERSION.
        await scripts.RunAsync("prerm", "upgrade", package.Version);
        await scripts.RunAsync("postinst", "configure", "0.0.1");

        (await File.ReadAllTextAsync(database)).ShouldBe("the site's data");
        File.GetUnixFileMode(scripts.Path("etc/vigil/cms.env")).ShouldBe(Mode("600"), "an operator's mode survives upgrades");
        scripts.Calls.ShouldContain("deb-systemd-invoke try-restart vigil-cms.service vigil-agent.service");
        scripts.Calls.ShouldNotContain(c => c.Contains(" stop", StringComparison.Ordinal) || c.Contains(" start", StringComparison.Ordinal), string.Join('\n', scripts.Calls));
    }

    [Fact]
    public async Task Remove_stops_the_units_and_keeps_the_data_and_only_purge_deletes_it_without_asking()
    {
        var scripts = await package.ScriptRootAsync("remove");
        await scripts.RunAsync("postinst", "configure");
        var recording = scripts.Path("var/lib/vigil/agent/space1/segment.ts");
        Directory.CreateDirectory(Path.GetDirectoryName(recording)!);
        await File.WriteAllTextAsync(recording, "footage");
        var enabled = scripts.Path("etc/systemd/system/multi-user.target.wants/vigil-agent.service");
        Directory.CreateDirectory(Path.GetDirectoryName(enabled)!);
        File.CreateSymbolicLink(enabled, "/usr/lib/systemd/system/vigil-agent.service");
        scripts.Calls.Clear();

        await scripts.RunAsync("prerm", "remove");
        await scripts.RunAsync("postrm", "remove");

        scripts.Calls.ShouldContain("deb-systemd-invoke stop vigil-cms.service vigil-agent.service");
        File.Exists(recording).ShouldBeTrue("remove keeps the data");

        await scripts.RunAsync("postrm", "purge");

        Directory.Exists(scripts.Path("var/lib/vigil")).ShouldBeFalse("purge deletes the data");
        File.Exists(enabled).ShouldBeFalse("purge deletes an enabled unit's link");
        Directory.Exists(scripts.Path("etc/vigil")).ShouldBeTrue("dpkg, not postrm, deletes the conffiles");
    }

    private static UnixFileMode Mode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);

    private Task<VigilProcess> StartInstalledAsync(string role, string data, params string[] extra) =>
        VigilProcess.StartProgramAsync(
            package.Vigil,
            [role, "--data", data, "--urls", "http://127.0.0.1:0", .. extra],
            new Dictionary<string, string?> { [Vigil.Hosting.InitialAdminPassword.EnvironmentVariable] = null });

    private static async Task CmsAnswersAsync(Uri baseUrl, string password)
    {
        using var http = new HttpClient { BaseAddress = baseUrl };
        var console = await http.GetAsync(new Uri("/", UriKind.Relative));
        console.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await console.Content.ReadAsStringAsync()).ShouldContain("<html", Case.Insensitive);

        var login = await http.PostAsJsonAsync(CmsRoutes.Login.TrimStart('/'), new LoginRequest("admin", password), ContractJson.Options);
        login.StatusCode.ShouldBe(HttpStatusCode.OK, await login.Content.ReadAsStringAsync());
        var token = (await login.Content.ReadFromJsonAsync<LoginResponse>(ContractJson.Options))!.Token;
        using var status = new HttpRequestMessage(HttpMethod.Get, CmsRoutes.Status.TrimStart('/'));
        status.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        (await http.SendAsync(status)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task AgentAnswersAsync(Uri baseUrl, string password)
    {
        using var http = new HttpClient { BaseAddress = baseUrl };
        (await http.GetAsync(Contracts.Agent.AgentRoutes.Live.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var info = new HttpRequestMessage(HttpMethod.Get, Contracts.Agent.AgentRoutes.Info.TrimStart('/'));
        info.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{password}")));
        var answer = await http.SendAsync(info);
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await answer.Content.ReadAsStringAsync()).ShouldContain("packaged-agent");
    }

    /// <summary>Runs a command to its end within <paramref name="deadline"/> (killed past it); fails unless it exits 0. Answers its output.</summary>
    internal static async Task<string> RunAsync(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? deadline = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;

        // Nothing to read: a script that asks a question meets the end of its input instead of waiting.
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(deadline ?? CommandDeadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish within {(deadline ?? CommandDeadline).TotalSeconds} s:\n{await output}{await errors}");
        }

        var text = await output + await errors;
        process.ExitCode.ShouldBe(0, $"{file} {string.Join(' ', start.ArgumentList)}:\n{text}");
        return text;
    }

    [GeneratedRegex(@"^(?<mode>\S{10}) (?<owner>\S+)\s+\d+ \S+ \S+ (?<path>.+?)(?: -> (?<target>.+))?$")]
    private static partial Regex ContentsLine();

    /// <summary>The package <c>./package</c> builds, once for the class, in a temporary folder deleted afterwards.</summary>
    public sealed class Package : IAsyncLifetime
    {
        public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("vigil-deb-").FullName;

        public string Version { get; private set; } = string.Empty;

        public string Deb { get; private set; } = string.Empty;

        /// <summary>The extracted package: its <c>/usr/bin/vigil</c> link, as the units run it.</summary>
        public string Vigil => Path.Combine(Directory, "root/usr/bin/vigil");

        public string Control => Path.Combine(Directory, "control");

        /// <summary>The signed update package <c>./package --key</c> writes beside the .deb, and the key it was signed with.</summary>
        public string UpdatePackage { get; private set; } = string.Empty;

        public UpdateSigningKey SigningKey { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var repository = new DirectoryInfo(AppContext.BaseDirectory);
            while (repository is not null && !(File.Exists(Path.Combine(repository.FullName, "package")) && File.Exists(Path.Combine(repository.FullName, "Vigil.slnx"))))
            {
                repository = repository.Parent;
            }

            if (repository is null)
            {
                throw new InvalidOperationException($"No repository with ./package above {AppContext.BaseDirectory}.");
            }

            Version = Regex.Match(await File.ReadAllTextAsync(Path.Combine(repository.FullName, "Directory.Build.props")), "<Version>(.*)</Version>").Groups[1].Value;
            var output = Path.Combine(Directory, "out");
            SigningKey = UpdateSigningKey.Create(Path.Combine(Directory, "keys"));
            await RunAsync("bash", ["./package", "--fast", "--out", output, "--key", SigningKey.PrivateKeyFile], deadline: TimeSpan.FromMinutes(15), workingDirectory: repository.FullName);
            Deb = Path.Combine(output, $"vigil_{Version}_amd64.deb");
            UpdatePackage = Path.Combine(output, $"vigil-update_{Version}.vup");
            await RunAsync("dpkg-deb", ["-x", Deb, Path.Combine(Directory, "root")]);
            await RunAsync("dpkg-deb", ["-e", Deb, Control]);
        }

        /// <summary>
        /// A temporary root for the maintainer scripts (<c>DPKG_ROOT</c>) holding the package's env files and a
        /// <c>/run/systemd/system</c> (systemd "running"), with stand-ins for the commands that would change
        /// this machine (adduser, getent, chown, systemctl, deb-systemd-invoke) which only log their calls.
        /// </summary>
        public async Task<ScriptRoot> ScriptRootAsync(string name)
        {
            var root = Path.Combine(Directory, "scripts", name);
            var bin = Path.Combine(Directory, "scripts", name + "-bin");
            System.IO.Directory.CreateDirectory(Path.Combine(root, "etc/vigil"));
            System.IO.Directory.CreateDirectory(Path.Combine(root, "run/systemd/system"));
            System.IO.Directory.CreateDirectory(bin);
            foreach (var env in new[] { "cms.env", "agent.env" })
            {
                File.Copy(Path.Combine(Directory, "root/etc/vigil", env), Path.Combine(root, "etc/vigil", env));
            }

            var log = Path.Combine(bin, "calls.log");
            var user = Path.Combine(bin, "user-exists");
            var stubs = new Dictionary<string, string>
            {
                ["adduser"] = $"touch '{user}'",
                ["getent"] = $"[ -e '{user}' ]",
                ["chown"] = "true",
                ["systemctl"] = "true",
                ["deb-systemd-invoke"] = "true",
            };
            foreach (var (command, action) in stubs)
            {
                var path = Path.Combine(bin, command);
                await File.WriteAllTextAsync(path, $"#!/bin/sh\necho \"{command} $*\" >> '{log}'\n{action}\n");
                File.SetUnixFileMode(path, Mode("755"));
            }

            return new ScriptRoot(root, bin, log, Control);
        }

        public Task DisposeAsync()
        {
            SigningKey?.Dispose();
            ProcessSweep.KillEverythingMentioning(Directory);
            System.IO.Directory.Delete(Directory, recursive: true);
            return Task.CompletedTask;
        }
    }

    /// <summary>A temporary root the maintainer scripts run against, and the calls of the stand-in commands.</summary>
    public sealed class ScriptRoot(string root, string bin, string log, string control)
    {
        public List<string> Calls { get; } = [];

        public string Path(string relative) => System.IO.Path.Combine(root, relative);

        public async Task RunAsync(string script, params string[] arguments)
        {
            var environment = new Dictionary<string, string>
            {
                ["DPKG_ROOT"] = root,
                ["PATH"] = $"{bin}:/usr/sbin:/usr/bin:/sbin:/bin",
                ["DPKG_MAINTSCRIPT_NAME"] = script,
                ["DPKG_MAINTSCRIPT_PACKAGE"] = "vigil",
            };
            if (File.Exists(log))
            {
                File.Delete(log);
            }

            await DebianPackageTests.RunAsync("/bin/sh", [System.IO.Path.Combine(control, script), .. arguments], environment);
            if (File.Exists(log))
            {
                Calls.AddRange((await File.ReadAllLinesAsync(log)).Select(line => line.TrimEnd()));
            }
        }
    }
}
