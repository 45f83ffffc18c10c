# install: installs or upgrades Tailscale, from its MSI (the default) or with winget.

# The subject Tailscale's code-signing certificate begins with (its MSIs, tailscale.exe).
$TailscaleSigner = 'CN=Tailscale Inc., O=Tailscale Inc.,'

function Get-MeshUploadProblem($Upload) {
    # Why the file the provider sent is not the MSI it hashed ($null when it is): missing, short, altered.
    if (-not (Test-Path -LiteralPath $Upload.path -PathType Leaf)) { return "is not at $($Upload.path)" }
    $length = (Get-Item -LiteralPath $Upload.path -Force).Length
    if ($length -ne $Upload.size) { return "has $length bytes, not $($Upload.size)" }
    $seen = (Get-FileHash -LiteralPath $Upload.path -Algorithm SHA256).Hash
    if ($seen -ne $Upload.sha256) { return "has SHA-256 $seen, not $($Upload.sha256) as sent" }
    $null
}

Protect-MeshFolder -Path $Params.stateDir

if ($Params.method -eq 'winget') {
    # winget is often missing over SSH or as SYSTEM: say so plainly instead of failing on the call.
    if ($null -eq (Get-Command -Name 'winget' -CommandType Application -ErrorAction SilentlyContinue)) {
        return @{ outcome = 'failed'; exitCode = $null; message = 'winget is not available on this host; use the msi install method'; logTail = '' }
    }
    $arguments = @('install', '--id', 'Tailscale.Tailscale', '--source', 'winget', '--silent', '--accept-package-agreements', '--accept-source-agreements')
    if ($Params.version) { $arguments += @('--version', $Params.version) }
    Write-MeshProgress 'installing Tailscale with winget'
    $run = Invoke-MeshNative -FilePath 'winget' -ArgumentList $arguments -TimeoutSeconds 900
    if ($run.exitCode -ne 0) {
        return @{ outcome = 'failed'; exitCode = $run.exitCode; message = "winget install failed (exit code $($run.exitCode))"; logTail = $run.output }
    }
    return @{ outcome = 'installed'; version = Get-MeshTailscaleVersion; exitCode = 0; rebootRequired = $false }
}

$msiPath = Join-MeshPath -Directory $Params.stateDir -Name 'tailscale-setup.msi'
$logPath = Join-MeshPath -Directory $Params.stateDir -Name 'install.log'
# install.source "upload": the provider sent the MSI into the state directory (stage step, then SFTP).
$upload = $null
$sent = $Params.PSObject.Properties['upload']
if ($sent -and $sent.Value) { $upload = $sent.Value }
$origin = 'downloaded'
if ($upload) { $origin = 'uploaded' }
$url = $Params.msiUrl
# install.proxy: the host may reach the internet only through a web proxy.
$proxyParameters = Get-MeshProxyParameter -Settings $Params
if (-not $url -and -not $upload) {
    # Older Windows PowerShell offers only TLS 1.0 by default; pkgs.tailscale.com needs 1.2.
    [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
    $arch = Get-MeshMsiArchitecture
    if ($Params.version) {
        $url = "https://pkgs.tailscale.com/stable/tailscale-setup-$($Params.version)-$arch.msi"
    } else {
        $index = Invoke-RestMethod -Uri 'https://pkgs.tailscale.com/stable/?mode=json&os=windows' -UseBasicParsing @proxyParameters
        $url = 'https://pkgs.tailscale.com/stable/' + $index.MSIs.$arch
    }
}

$arguments = @('/i', $msiPath, '/quiet', '/norestart', '/qn', '/L*v', $logPath, 'TS_UNATTENDEDMODE=always', 'TS_NOLAUNCH=1')
if ($Params.loginServer) { $arguments += "TS_LOGINURL=$($Params.loginServer)" }
try {
    if ($upload) {
        # Only the very bytes the provider hashed run: a short or altered file is deleted unrun.
        $problem = Get-MeshUploadProblem -Upload $upload
        if ($problem) {
            return @{ outcome = 'failed'; exitCode = $null; message = "the uploaded MSI $($problem): it was deleted without running; run the operation again to send it again"; logTail = '' }
        }
        Move-Item -LiteralPath $upload.path -Destination $msiPath -Force
    } else {
        Write-MeshProgress "downloading $url"
        Invoke-WebRequest -Uri $url -OutFile $msiPath -UseBasicParsing @proxyParameters
    }
    # install.sha256 pins the package: any other download (a wrong version, a tampered mirror) never runs.
    $pinned = $Params.PSObject.Properties['sha256']
    if ($pinned -and $pinned.Value) {
        $seen = (Get-FileHash -LiteralPath $msiPath -Algorithm SHA256).Hash
        if ($seen -ne $pinned.Value) {
            return @{ outcome = 'failed'; exitCode = $null; message = "the $origin MSI's SHA-256 is $seen, not $($pinned.Value) as install.sha256 says: it was deleted without running; check install.msiUrl and install.version, or the pinned hash"; logTail = '' }
        }
    }
    # Authenticode, always: only an MSI that Windows says Tailscale signed, unaltered, ever runs.
    $signature = Get-AuthenticodeSignature -LiteralPath $msiPath
    $signer = 'no signer'
    if ($null -ne $signature.SignerCertificate) { $signer = [string]$signature.SignerCertificate.Subject }
    if ([string]$signature.Status -ne 'Valid' -or -not $signer.StartsWith($TailscaleSigner, [StringComparison]::Ordinal)) {
        return @{ outcome = 'failed'; exitCode = $null; message = "the $origin MSI's Authenticode signature is $([string]$signature.Status) by $signer, not Valid by $TailscaleSigner*: it was deleted without running; check install.msiUrl (a mirror must serve Tailscale's own signed MSI)"; logTail = '' }
    }
    Write-MeshProgress 'running the Tailscale installer'
    $run = Invoke-MeshNative -FilePath 'msiexec.exe' -ArgumentList $arguments -TimeoutSeconds 900
} finally {
    Remove-Item -LiteralPath $msiPath -Force -ErrorAction SilentlyContinue
    if ($upload) { Remove-Item -LiteralPath $upload.path -Force -ErrorAction SilentlyContinue }
}

# 3010: installed, and Windows wants a reboot at some point; the service runs already.
if ($run.exitCode -eq 0 -or $run.exitCode -eq 3010) {
    Remove-Item -LiteralPath $logPath -Force -ErrorAction SilentlyContinue
    return @{ outcome = 'installed'; version = Get-MeshTailscaleVersion; exitCode = $run.exitCode; rebootRequired = ($run.exitCode -eq 3010) }
}
$logTail = ''
$message = "msiexec failed (exit code $($run.exitCode)); its log is $logPath"
if ($run.timedOut) { $message = "msiexec did not finish within 900 s and was stopped; its log is $logPath" }
if (Test-Path -LiteralPath $logPath -PathType Leaf) {
    $logTail = (Get-Content -LiteralPath $logPath -Tail 40) -join "`n"
}
@{ outcome = 'failed'; exitCode = $run.exitCode; message = $message; logTail = $logTail }
