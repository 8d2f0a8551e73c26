using System.CommandLine;
using System.Security.Cryptography;
using Vigil.Hosting.Updates;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil update-package keygen|build|publish|verify</c>: the publisher's side of agent updates. Works on local files
/// only; nothing here talks to a CMS or an agent. A refusal prints its rule and exits 1; a usage or file problem exits 2.
/// </summary>
internal static class UpdatePackageCommand
{
    public static Command Create() => new("update-package", "Make, sign, publish and check update packages of vigil (for updating agents)")
    {
        Keygen(), Build(), Publish(), Verify(),
    };

    private static Command Keygen()
    {
        var output = new Option<string>("--out") { Description = "Folder for the key pair (created if missing)", Required = true };
        var command = new Command("keygen", $"Make a publisher key pair: {UpdateKeys.PrivateKeyFileName} (private, 0600; keep it offline) and {UpdateKeys.PublicKeyFileName} (give it to the CMS)") { output };
        command.SetAction(result => Run(() =>
        {
            var (privateFile, publicFile) = UpdateKeys.Generate(result.GetValue(output)!);
            Console.Out.WriteLine($"Private key (signs packages; keep it secret, 0600): {privateFile}");
            Console.Out.WriteLine($"Public key (the CMS trusts it): {publicFile}");
            using var key = UpdateKeys.LoadPublicPem(publicFile);
            Console.Out.WriteLine($"Key id: {UpdateKeys.Id(key)}");
            return Task.CompletedTask;
        }));
        return command;
    }

    private static Command Build()
    {
        var from = new Option<string>("--from") { Description = "The program folder to package (e.g. what ./package or dotnet publish made)", Required = true };
        var version = new Option<string>("--version") { Description = "The version X.Y.Z the package installs (the program must report it)", Required = true };
        var key = new Option<string>("--key") { Description = "The publisher's private key (PKCS#8 PEM)", Required = true };
        var output = new Option<string>("--out") { Description = "The package file to write (vigil-update_X.Y.Z.vup)", Required = true };
        var oldestFrom = new Option<string>("--oldest-from") { Description = "The oldest version the package may update (default 0.0.0: any)", DefaultValueFactory = _ => "0.0.0" };
        var command = new Command("build", "Sign a program folder into an update package") { from, version, key, output, oldestFrom };
        command.SetAction((result, cancellationToken) => Run(async () =>
        {
            using var privateKey = UpdateKeys.LoadPrivate(result.GetValue(key)!);
            var file = Path.GetFullPath(result.GetValue(output)!);
            var manifest = await UpdatePackageWriter.WriteAsync(result.GetValue(from)!, result.GetValue(version)!, result.GetValue(oldestFrom)!, privateKey, file, cancellationToken).ConfigureAwait(false);
            Console.Out.WriteLine($"Built {file}: vigil {manifest.Version} (updates {manifest.OldestFrom} and later), {manifest.Files.Count} files, signed by key {UpdateKeys.Id(privateKey)}");
        }));
        return command;
    }

    private static Command Publish()
    {
        var feed = new Option<string>("--feed") { Description = "The feed folder (catalog.json and the packages; serve it over https or share it)", Required = true };
        var packages = new Argument<string[]>("packages") { Description = "Update packages to add (a version already listed is replaced)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("publish", "Copy update packages into a feed folder and rewrite its catalog.json") { feed, packages };
        command.SetAction((result, cancellationToken) => Run(async () =>
        {
            var catalog = await UpdateFeed.PublishAsync(result.GetValue(feed)!, result.GetValue(packages)!, cancellationToken).ConfigureAwait(false);
            foreach (var entry in catalog.Versions)
            {
                Console.Out.WriteLine($"{entry.Version}\t{entry.File}\t{entry.Size} bytes\tfrom {entry.OldestFrom}\tsha256 {entry.Sha256}");
            }
        }));
        return command;
    }

    private static Command Verify()
    {
        var package = new Argument<string>("package") { Description = "The update package to check" };
        var keys = new Option<string[]>("--keys") { Description = "Trusted public keys (SPKI PEM files)", Required = true, AllowMultipleArgumentsPerToken = true };
        var running = new Option<string?>("--running") { Description = "Also check it may update this version X.Y.Z (newer, and not below its oldest-from)" };
        var command = new Command("verify", "Check a package's signature and every file, as an agent does before installing it") { package, keys, running };
        command.SetAction((result, cancellationToken) => Run(async () =>
        {
            var trusted = result.GetValue(keys)!.Select(UpdateKeys.LoadPublicPem).ToList();
            try
            {
                var runningVersion = result.GetValue(running) is { } text ? UpdateVersions.Parse(text, "--running") : null;
                var manifest = await UpdatePackageReader.ReadAsync(result.GetValue(package)!, trusted, runningVersion, null, cancellationToken).ConfigureAwait(false);
                Console.Out.WriteLine($"OK: vigil {manifest.Version} (updates {manifest.OldestFrom} and later), {manifest.Files.Count} files, signature and every file verified");
            }
            finally
            {
                trusted.ForEach(k => k.Dispose());
            }
        }));
        return command;
    }

    private static async Task<int> Run(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
            return 0;
        }
        catch (UpdatePackageException e)
        {
            await Console.Error.WriteLineAsync($"Refused ({e.Rule}): {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }
    }
}
