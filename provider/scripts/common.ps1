# Shared by every step: prepended to the step's own text, so the whole is one constant script.
# Windows PowerShell 5.1. The bootstrap (provider/transport/protocol.ts) invokes the step with its
# parameters as the single argument; values are only ever data, never code.
param($Params)

Set-StrictMode -Version 2.0

$TailscaleExe = 'C:\Program Files\Tailscale\tailscale.exe'
$TailscaleService = 'Tailscale'
# Policy keys in the order Tailscale reads them.
$PolicyKey = 'HKLM:\SOFTWARE\Policies\Tailscale'
$LegacyPolicyKey = 'HKLM:\SOFTWARE\Tailscale IPN'
# SIDs, not names: account names are localized ("Administratoren", "Administrateurs").
$AdministratorsSid = 'S-1-5-32-544'
$SystemSid = 'S-1-5-18'
$Redacted = '[redacted]'

function Invoke-MeshNative([string]$FilePath, [string[]]$ArgumentList, [int]$TimeoutSeconds) {
    # Runs a program with each argument passed on its own (never a command string) and returns its
    # exit code and output; stops it after $TimeoutSeconds. It runs in a separate runspace so this
    # one can wait with a deadline, and so the step's $ErrorActionPreference = 'Stop' does not turn
    # the program's stderr lines into terminating errors (Windows PowerShell 5.1 does, with 2>&1).
    for ($index = 0; $index -lt $ArgumentList.Count; $index++) {
        # Windows PowerShell 5.1 drops empty arguments, does not escape embedded double quotes, and
        # quotes an argument with whitespace without doubling a final backslash (which then escapes
        # the closing quote): such an argument would reach the program altered, so it is refused.
        $argument = $ArgumentList[$index]
        if ($argument -eq '' -or $argument.Contains('"') -or ($argument -match '\s' -and $argument.EndsWith('\'))) {
            throw "argument $($index + 1) for $FilePath is empty, contains a double quote, or ends in a backslash after whitespace; Windows PowerShell 5.1 cannot pass it intact"
        }
    }
    $program = (Get-Command -Name $FilePath -CommandType Application -ErrorAction Stop | Select-Object -First 1).Path
    $runner = [PowerShell]::Create()
    try {
        $null = $runner.AddScript('param($Program, $Arguments) & $Program @Arguments 2>&1 | ForEach-Object { [string]$_ }')
        $null = $runner.AddArgument($program).AddArgument($ArgumentList)
        $output = New-Object 'System.Management.Automation.PSDataCollection[psobject]'
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $pending = $runner.BeginInvoke((New-Object 'System.Management.Automation.PSDataCollection[psobject]'), $output)
        $finished = $pending.AsyncWaitHandle.WaitOne($TimeoutSeconds * 1000)
        $exitCode = $null
        if ($finished) {
            $null = $runner.EndInvoke($pending)
            $exitCode = [int]$runner.Runspace.SessionStateProxy.GetVariable('LASTEXITCODE')
        } else {
            # Stopping the pipeline kills the program.
            $runner.Stop()
        }
        $text = (@($output) -join "`n").Trim()
        if (-not $finished) {
            $text = ("$text`n" + "stopped: $FilePath timed out after $TimeoutSeconds s").Trim()
        }
        @{ exitCode = $exitCode; output = $text; timedOut = -not $finished; seconds = [Math]::Round($clock.Elapsed.TotalSeconds, 1) }
    } finally {
        $runner.Dispose()
    }
}

function Set-MeshAdminOnlyAcl([string]$Path) {
    # A file's own explicit grants for Administrators and SYSTEM only, inheritance removed: nobody
    # else can read it, wherever it is moved to.
    $run = Invoke-MeshNative -FilePath 'icacls.exe' -ArgumentList @($Path, '/inheritance:r', '/grant:r', "*$($AdministratorsSid):F", "*$($SystemSid):F") -TimeoutSeconds 60
    if ($run.exitCode -ne 0) { throw "icacls could not restrict $Path to Administrators and SYSTEM: $($run.output)" }
}

function Join-MeshPath([string]$Directory, [string]$Name) {
    $Directory.TrimEnd('\') + '\' + $Name
}

function Write-MeshFile([string]$Path, [string]$Text) {
    # Exact UTF-8 bytes: no byte order mark and no added newline (`tailscale up --auth-key=file:`
    # would read a BOM as part of the key).
    Set-Content -LiteralPath $Path -Value ([Text.Encoding]::UTF8.GetBytes($Text)) -Encoding Byte
}

function Protect-MeshSecret([string]$Text, [string]$Secret) {
    if ([string]::IsNullOrEmpty($Secret)) { return $Text }
    $Text.Replace($Secret, $Redacted)
}

function Get-MeshProxyParameter($Settings) {
    # -Proxy and -ProxyCredential for Invoke-WebRequest and Invoke-RestMethod, to splat; none when
    # $Settings has no proxy. The credential is built here from data, so the password is never text of
    # a command.
    $parameters = @{}
    $entry = $Settings.PSObject.Properties['proxy']
    if ($null -eq $entry -or $null -eq $entry.Value) { return $parameters }
    $proxy = $entry.Value
    $parameters['Proxy'] = [uri][string]$proxy.url
    $user = $proxy.PSObject.Properties['username']
    $secret = $proxy.PSObject.Properties['password']
    if ($null -ne $user -and $user.Value -and $null -ne $secret -and $secret.Value) {
        $password = New-Object System.Security.SecureString
        foreach ($character in ([string]$secret.Value).ToCharArray()) { $password.AppendChar($character) }
        $password.MakeReadOnly()
        $parameters['ProxyCredential'] = New-Object System.Management.Automation.PSCredential -ArgumentList ([string]$user.Value), $password
    }
    $parameters
}

function Set-MeshPolicy($Policy) {
    # Tailscale reads these at service start; a null value is removed rather than left behind.
    # Returns the names of the values it changed.
    if (-not (Test-Path -LiteralPath $PolicyKey)) { $null = New-Item -Path $PolicyKey -Force }
    $values = [ordered]@{ LoginURL = $Policy.loginUrl; Hostname = $Policy.hostname; UnattendedMode = $Policy.unattendedMode }
    # The node's own further policies (InstallUpdates, EnableDNSRegistration): only those listed.
    foreach ($entry in @($Policy.policyValues | Where-Object { $null -ne $_ })) {
        $values[[string]$entry.name] = $entry.value
    }
    foreach ($name in $values.Keys) {
        if (Set-MeshPolicyValue -Name $name -Value $values[$name]) { $name }
    }
}

function Set-MeshPolicyValue([string]$Name, $Value) {
    # One value under the Policies key, as text; a null value is removed. True when it changed.
    $item = Get-ItemProperty -LiteralPath $PolicyKey -Name $Name -ErrorAction SilentlyContinue
    if ($null -eq $Value) {
        if ($null -eq $item) { return $false }
        Remove-ItemProperty -LiteralPath $PolicyKey -Name $Name
        return $true
    }
    if ($null -ne $item -and $item.$Name -is [string] -and $item.$Name -ceq [string]$Value) { return $false }
    Set-ItemProperty -LiteralPath $PolicyKey -Name $Name -Value ([string]$Value)
    $true
}

function Get-MeshPolicyValue([string]$Name) {
    foreach ($key in @($PolicyKey, $LegacyPolicyKey)) {
        $item = Get-ItemProperty -LiteralPath $key -Name $Name -ErrorAction SilentlyContinue
        if ($null -ne $item) { return [string]$item.$Name }
    }
    $null
}

function Restart-MeshService {
    # Returns $null once the service is Running, otherwise what went wrong.
    try {
        Set-Service -Name $TailscaleService -StartupType Automatic
        Restart-Service -Name $TailscaleService -Force
    } catch {
        return [string]$_.Exception.Message
    }
    $deadline = (Get-Date).AddSeconds(30)
    while ([string](Get-Service -Name $TailscaleService).Status -ne 'Running') {
        if ((Get-Date) -gt $deadline) { return "the $TailscaleService service did not reach Running within 30 s" }
        Start-Sleep -Seconds 1
    }
    $null
}

function Get-MeshTailscaleVersion {
    # `tailscale version` reads no daemon state, so it works over SSH; its first line is the version.
    if (-not (Test-Path -LiteralPath $TailscaleExe -PathType Leaf)) { return $null }
    $run = Invoke-MeshNative -FilePath $TailscaleExe -ArgumentList @('version') -TimeoutSeconds 30
    if ($run.exitCode -ne 0) { return $null }
    ($run.output -split "`n")[0].Trim()
}

function Get-MeshMsiArchitecture {
    # The MSI Tailscale publishes for this Windows: from a 32-bit process on 64-bit Windows,
    # PROCESSOR_ARCHITEW6432 names the OS's own architecture.
    $arch = $env:PROCESSOR_ARCHITEW6432
    if (-not $arch) { $arch = $env:PROCESSOR_ARCHITECTURE }
    switch ($arch) {
        'ARM64' { 'arm64' }
        'x86' { 'x86' }
        default { 'amd64' }
    }
}

function Test-MeshAddress([string]$Address) {
    # Tailscale's ranges: 100.64.0.0/10 and fd7a:115c:a1e0::/48.
    if ($Address -match '^100\.(\d{1,3})\.\d{1,3}\.\d{1,3}$') {
        $second = [int]$Matches[1]
        return ($second -ge 64 -and $second -le 127)
    }
    $Address -like 'fd7a:115c:a1e0:*'
}

function Get-MeshTailscaleAddress {
    # The adapter is found by its driver's description: its name can be changed by anyone.
    foreach ($adapter in @(Get-NetAdapter -InterfaceDescription 'Tailscale Tunnel*' -ErrorAction SilentlyContinue)) {
        foreach ($address in @(Get-NetIPAddress -InterfaceIndex $adapter.ifIndex -ErrorAction SilentlyContinue)) {
            if (Test-MeshAddress -Address $address.IPAddress) { [string]$address.IPAddress }
        }
    }
}

function Get-MeshKeyFile([string]$StateDir) {
    if (Test-Path -LiteralPath $StateDir -PathType Container) {
        Get-ChildItem -LiteralPath $StateDir -Filter 'authkey-*.txt' -File | ForEach-Object { $_.FullName }
    }
}

function Test-MeshAdministrator {
    $identity = [Security.Principal.WindowsIdentity]::GetCurrent()
    ([Security.Principal.WindowsPrincipal]$identity).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
}

# ---- the daemon's environment file (tailscaled-env.txt: KEY=VALUE lines read at service start)

function Read-MeshEnvFile([string]$Path) {
    # Its lines, without empty ones; none when there is no file.
    if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) { return @() }
    $text = [string](Get-Content -LiteralPath $Path -Raw -Encoding UTF8)
    @($text -split "`r?`n" | Where-Object { $_ -ne '' })
}

function Get-MeshEnvKey([string]$Line) {
    $at = $Line.IndexOf('=')
    if ($at -lt 0) { return $Line.Trim() }
    $Line.Substring(0, $at).Trim()
}

function Get-MeshDaemonEnvironment([string]$Path) {
    # Each key -> the SHA-256 of its value: enough to compare, and a proxy password stays on the host.
    $found = @{}
    $sha = [Security.Cryptography.SHA256]::Create()
    try {
        foreach ($line in @(Read-MeshEnvFile -Path $Path)) {
            $at = $line.IndexOf('=')
            if ($at -lt 1) { continue }
            $bytes = $sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($line.Substring($at + 1)))
            $found[(Get-MeshEnvKey -Line $line)] = -join @($bytes | ForEach-Object { $_.ToString('x2') })
        }
    } finally {
        $sha.Dispose()
    }
    $found
}

function Set-MeshDaemonEnvironment($Change, [string]$StateDir) {
    # Sets and removes only the node's own keys; other lines stay. Written only when its text changes:
    # staged in the protected state directory (admin-only from its first byte), given its own
    # protected ACL, then moved into place. A file left without lines is removed. Returns whether
    # the file changed.
    if ($null -eq $Change) { return $false }
    $owned = @(@($Change.set) | ForEach-Object { [string]$_.name }) + @($Change.remove)
    $before = @(Read-MeshEnvFile -Path $Change.path)
    $lines = @($before | Where-Object { $owned -notcontains (Get-MeshEnvKey -Line $_) })
    foreach ($entry in @($Change.set)) {
        # One line per key: a line break inside a value would add a line of its own.
        if (([string]$entry.value) -match "[`r`n]") { throw "the value of $($entry.name) for $($Change.path) contains a line break" }
        $lines += ([string]$entry.name + '=' + [string]$entry.value)
    }
    if (($lines -join "`n") -ceq ($before -join "`n")) { return $false }
    if ($lines.Count -eq 0) {
        Remove-Item -LiteralPath $Change.path -Force
        return $true
    }
    # The file may hold a proxy password: it goes only into a folder no other account can change.
    $folder = Split-Path -LiteralPath $Change.path
    $problem = Confirm-MeshTrustedFolder -Folder $folder
    if ($problem) { throw "the daemon's folder $folder is not safe for its environment file, which may hold a proxy password: $problem. Give the folder back to Administrators and SYSTEM, then run again; its permissions were left as they are." }
    $staging = Join-MeshPath -Directory $StateDir -Name ('tailscaled-env-' + [guid]::NewGuid().ToString('N') + '.txt')
    try {
        Write-MeshFile -Path $staging -Text (($lines -join "`r`n") + "`r`n")
        Set-MeshAdminOnlyAcl -Path $staging
        Move-Item -LiteralPath $staging -Destination $Change.path -Force
    } finally {
        Remove-Item -LiteralPath $staging -Force -ErrorAction SilentlyContinue
    }
    $true
}

# ---------------------------------------------------------------- the daemon's readiness and owner

# The pipe the CLI dials (paths.DefaultTailscaledSocket in tailscale/tailscale).
$TailscalePipe = '\\.\pipe\ProtectedPrefix\Administrators\Tailscale\tailscaled'

function Wait-MeshDaemon([int]$Seconds) {
    # Returns $null once the service is Running and its pipe exists, otherwise what was seen. A
    # `tailscale up` started before the pipe exists spends its 20 s dial and fails with "context
    # deadline exceeded" (tailscale#14077, #16086): waiting here keeps attempts for real failures.
    $status = 'missing'
    for ($second = 0; $second -le $Seconds; $second++) {
        $service = Get-Service -Name $TailscaleService -ErrorAction SilentlyContinue
        if ($null -ne $service) { $status = [string]$service.Status }
        if ($status -eq 'Running' -and (Test-Path -LiteralPath $TailscalePipe)) { return $null }
        if ($second -eq 0) { Write-MeshProgress "waiting up to $Seconds s for the $TailscaleService service and its pipe" @{ waitSeconds = $Seconds } }
        if ($second -lt $Seconds) { Start-Sleep -Seconds 1 }
    }
    "the $TailscaleService service is $status and its pipe $TailscalePipe did not appear within $Seconds s"
}

function Get-MeshAccountName {
    # The Windows account this step runs as: the account that owns a node it joins.
    [string][Security.Principal.WindowsIdentity]::GetCurrent().Name
}
