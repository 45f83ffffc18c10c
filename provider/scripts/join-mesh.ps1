# join-mesh.ps1: puts this Windows machine on the mesh (Tailscale or Headscale).
#
# Written by pulumi-mesh-windows because `tailscale up` could not reach the Tailscale service over
# SSH: Windows keeps SSH sessions apart from the service. Run it once from an interactive session
# (Remote Desktop or the console), in Windows PowerShell started with "Run as administrator", with
# the deployment's manualCommand output: it reads this file, checks its SHA-256 against the one the
# deployment wrote, and runs exactly the bytes it checked.
#
# It holds an auth key, so only Administrators can read it. Once the machine has joined, it deletes
# the key file it wrote and itself. Its log, without the key, is join-mesh.log in the state directory.

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2.0

# Everything this script needs: base64 of UTF-8 JSON, read as data (never run as code).
$MeshJoinData = ''

# The folder functions the step scripts use too (provider/scripts/folders.ps1), put here when the
# script is built.
#include folders.ps1

$Join = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($MeshJoinData)) | ConvertFrom-Json
$TailscaleExe = 'C:\Program Files\Tailscale\tailscale.exe'
$PolicyKey = 'HKLM:\SOFTWARE\Policies\Tailscale'
$StateDir = $Join.stateDir.TrimEnd('\')
$LogPath = $StateDir + '\join-mesh.log'

function Write-JoinLine([string]$Text, [string]$Color = 'Gray') {
    # The key never reaches the screen or the log.
    if ($Join.authKey) { $Text = $Text.Replace($Join.authKey, '[redacted]') }
    Write-Host $Text -ForegroundColor $Color
    if (Test-Path -LiteralPath $StateDir -PathType Container) {
        Add-Content -LiteralPath $LogPath -Value ((Get-Date -Format 's') + ' ' + $Text)
    }
}

function Stop-Join([string]$Problem, [string]$Advice) {
    Write-JoinLine "FAILED: $Problem" 'Red'
    Write-JoinLine "What to do: $Advice" 'Yellow'
    Write-JoinLine "This script is still at $($Join.joinScriptPath); its log is $LogPath."
    exit 1
}

function Invoke-Tailscale([string[]]$Arguments, [switch]$Show) {
    # 'Continue' here: with 'Stop', Windows PowerShell 5.1 turns the CLI's stderr lines into errors.
    $ErrorActionPreference = 'Continue'
    $lines = @(& $TailscaleExe @Arguments 2>&1 | ForEach-Object {
            $line = [string]$_
            if ($Show) { Write-JoinLine "  $line" }
            $line
        })
    @{ exitCode = $LASTEXITCODE; output = ($lines -join "`n").Trim() }
}

$identity = [Security.Principal.WindowsIdentity]::GetCurrent()
if (-not ([Security.Principal.WindowsPrincipal]$identity).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    Write-Host 'This script must run as Administrator.' -ForegroundColor Red
    Write-Host 'Open Windows PowerShell with "Run as administrator" and run the manual command the deployment gave' -ForegroundColor Yellow
    Write-Host '(its manualCommand output): it checks that this file is the one the deployment wrote before running it.' -ForegroundColor Yellow
    exit 1
}
if (-not (Test-Path -LiteralPath $TailscaleExe -PathType Leaf)) {
    Write-Host "Tailscale is not installed ($TailscaleExe is missing): run the deployment (pulumi up) again." -ForegroundColor Red
    exit 1
}

# The state directory holds the key file for the moment `tailscale up` needs it: taken over (owner
# Administrators, exactly Administrators and SYSTEM) and read back before anything is written into it,
# whoever made it first.
try {
    Protect-MeshFolder -Path $StateDir
} catch {
    Write-Host "FAILED: $($_.Exception.Message)" -ForegroundColor Red
    exit 1
}
Write-JoinLine 'Joining this machine to the mesh.' 'Cyan'

# The tray app holds the service for its own user ("already in use by"); it comes back at next logon.
Stop-Process -Name 'tailscale-ipn' -Force -ErrorAction SilentlyContinue

# Policy values, read by the service when it starts.
if (-not (Test-Path -LiteralPath $PolicyKey)) { $null = New-Item -Path $PolicyKey -Force }
$policy = [ordered]@{ LoginURL = $Join.policy.loginUrl; Hostname = $Join.policy.hostname; UnattendedMode = $Join.policy.unattendedMode }
foreach ($entry in @($Join.policy.policyValues | Where-Object { $null -ne $_ })) { $policy[[string]$entry.name] = $entry.value }
foreach ($name in $policy.Keys) {
    if ($null -eq $policy[$name]) {
        Remove-ItemProperty -LiteralPath $PolicyKey -Name $name -ErrorAction SilentlyContinue
    } else {
        Set-ItemProperty -LiteralPath $PolicyKey -Name $name -Value ([string]$policy[$name])
    }
}

Write-JoinLine 'Restarting the Tailscale service.'
try {
    Set-Service -Name 'Tailscale' -StartupType Automatic
    Restart-Service -Name 'Tailscale' -Force
} catch {
    Stop-Join "the Tailscale service did not start: $($_.Exception.Message)" 'check "Get-Service Tailscale" and the logs in C:\ProgramData\Tailscale\Logs, then run this script again.'
}
$deadline = (Get-Date).AddSeconds(30)
while ([string](Get-Service -Name 'Tailscale').Status -ne 'Running') {
    if ((Get-Date) -gt $deadline) {
        Stop-Join 'the Tailscale service did not reach Running within 30 s.' 'check "Get-Service Tailscale" and the logs in C:\ProgramData\Tailscale\Logs, then run this script again.'
    }
    Start-Sleep -Seconds 1
}

# --unattended keeps the node up after this window closes; --reset makes these flags the whole
# configuration; --timeout bounds the wait.
$arguments = @('up') + @($Join.upArgs)
if (-not (@($Join.upArgs) -match '^--unattended(=|$)')) { $arguments += '--unattended' }
if (-not (@($Join.upArgs) -match '^--reset(=|$)')) { $arguments += '--reset' }
if (-not (@($Join.upArgs) -match '^--timeout(=|$)')) { $arguments += "--timeout=$($Join.timeoutSeconds)s" }
# The folder is checked again right before the key goes into it.
try {
    Assert-MeshAdminOnlyFolder -Path $StateDir
} catch {
    Stop-Join $_.Exception.Message 'run this script again: it takes the folder over first.'
}
$keyFile = $StateDir + '\authkey-' + [guid]::NewGuid().ToString('N') + '.txt'
Write-JoinLine 'Running tailscale up (this can take a minute).'
try {
    # Exact UTF-8 bytes, no byte order mark: the CLI reads the file as the key.
    Set-Content -LiteralPath $keyFile -Value ([Text.Encoding]::UTF8.GetBytes($Join.authKey)) -Encoding Byte
    $up = Invoke-Tailscale -Arguments ($arguments + "--auth-key=file:$keyFile") -Show
} finally {
    Remove-Item -LiteralPath $keyFile -Force -ErrorAction SilentlyContinue
}

if ($up.exitCode -ne 0) {
    $class = 'other'
    foreach ($rule in $Join.rules) {
        if ($up.output -match $rule.pattern) { $class = $rule.class; break }
    }
    $advice = switch ($class) {
        'auth-rejected' { 'the control server rejected the auth key (expired, used up or revoked). Create a new key and deploy again to get a fresh join script.' }
        'daemon-unreachable' { 'run this script from Remote Desktop or the console, not over SSH, in Windows PowerShell started with "Run as administrator".' }
        'in-use' { 'another Windows user holds Tailscale: close the Tailscale app in every other session (or sign them out), then run this script again.' }
        'timeout' { "check that this machine can reach the control server ($($Join.policy.loginUrl)), then run this script again." }
        default { 'read the tailscale output above, fix what it names, then run this script again.' }
    }
    Stop-Join "tailscale up exited with code $($up.exitCode) ($class)." $advice
}

# `up` returned: confirm with the service itself that the node is Running.
$status = Invoke-Tailscale -Arguments @('status', '--json')
$backendState = 'unknown'
$addresses = ''
if ($status.exitCode -eq 0) {
    $parsed = $status.output | ConvertFrom-Json
    $backendState = [string]$parsed.BackendState
    $addresses = @($parsed.Self.TailscaleIPs) -join ', '
}
if ($backendState -ne 'Running') {
    Stop-Join "tailscale up finished but the node is $backendState, not Running." 'run "tailscale status" to see why, then run this script again.'
}

Write-JoinLine "SUCCESS: this machine is on the mesh ($addresses)." 'Green'
# This script holds the auth key: it goes now that the key has served.
Remove-Item -LiteralPath $Join.joinScriptPath -Force -ErrorAction SilentlyContinue
Write-JoinLine "Removed $($Join.joinScriptPath) and the key file; nothing more to do."
exit 0
