using Microsoft.Playwright;

namespace Vigil.Cms.Tests.Support;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright: a new browser per test class, a new profile per test.
/// Each test saves a screenshot of its last page into <see cref="ArtifactsVariable"/> (set by <c>./test</c>
/// to <c>.test-output/screenshots</c>), else into <c>screenshots/</c> beside the test assembly.
/// </summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    public const string ExecutableVariable = "VIGIL_TEST_CHROMIUM";
    public const string ArtifactsVariable = "VIGIL_TEST_ARTIFACTS";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private readonly string? _launcher;

    private ConsoleBrowser(IPlaywright playwright, IBrowser browser, string? launcher)
    {
        _playwright = playwright;
        _browser = browser;
        _launcher = launcher;
    }

    /// <param name="networkNamespace">
    /// Runs Chromium inside this network namespace (a CMS on an <c>IsolatedLan</c> is reachable only from there); Playwright
    /// speaks to it over a pipe, which crosses namespaces.
    /// </param>
    public static async Task<ConsoleBrowser> LaunchAsync(string? networkNamespace = null)
    {
        var executable = Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"Chromium is not at {executable}: run the tests with ./test, which installs Debian's chromium, or set {ExecutableVariable}.");
        }

        string? launcher = null;
        if (networkNamespace is not null && !OperatingSystem.IsWindows())
        {
            launcher = Path.Combine(Path.GetTempPath(), $"vigil-chromium-{networkNamespace}.sh");
            await File.WriteAllTextAsync(launcher, $"#!/bin/sh\nexec ip netns exec {networkNamespace} {executable} \"$@\"\n");
            File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            executable = launcher;
        }

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,

            // Without these, Chromium tries to reach Google's services, which this machine's closed network refuses.
            Args = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-gpu"],
        });
        return new ConsoleBrowser(playwright, browser, launcher);
    }

    /// <summary>A new page in a new profile, 1280×800 unless told otherwise.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        context.SetDefaultTimeout(15_000);
        context.SetDefaultNavigationTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in on the console's sign-in page and waits for the dashboard.</summary>
    public static async Task SignInAsync(IPage page, Uri cms, string password)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync(cms.ToString());
        await page.GetByLabel("User name").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "All groups" }).WaitForAsync();
    }

    /// <summary>Saves a full-page screenshot as a test artifact; returns its path.</summary>
    public static async Task<string> SaveScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var folder = Environment.GetEnvironmentVariable(ArtifactsVariable) is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        if (_launcher is not null)
        {
            File.Delete(_launcher);
        }
    }
}
