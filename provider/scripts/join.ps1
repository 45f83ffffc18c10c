# join: configures Tailscale and runs `tailscale up`, every attempt and retry on the host (one round
# trip). When Windows session isolation keeps the CLI from the daemon, it leaves the join script for
# a person to run in an interactive session.

function Complete-MeshUpArgument([string[]]$UpArgs, [int]$TimeoutSeconds) {
    # --unattended keeps the node up once the CLI exits; --reset makes these flags the whole
    # configuration; --timeout bounds the wait for Running.
    $UpArgs
    if (-not ($UpArgs -match '^--unattended(=|$)')) { '--unattended' }
    if (-not ($UpArgs -match '^--reset(=|$)')) { '--reset' }
    if (-not ($UpArgs -match '^--timeout(=|$)')) { "--timeout=$($TimeoutSeconds)s" }
}

function Find-MeshFailureRule([string]$Output, $Rules) {
    foreach ($rule in $Rules) {
        if ($Output -match $rule.pattern) { return $rule }
    }
    $null
}

function Get-MeshNodeName {
    # Best effort: the name the control server gave the node (it can differ from the one asked for).
    $run = Invoke-MeshNative -FilePath $TailscaleExe -ArgumentList @('status', '--json') -TimeoutSeconds 30
    if ($run.exitCode -ne 0) { return $null }
    try {
        $self = ($run.output | ConvertFrom-Json).Self
        if ([string]$self.DNSName) { return ([string]$self.DNSName).Split('.')[0] }
        return [string]$self.HostName
    } catch {
        return $null
    }
}

function Write-MeshJoinScript {
    # Only into a folder the product owns or only administrators can change (Confirm-MeshScriptFolder).
    # Staged inside the protected state directory, so it is admin-only from its first byte, given its
    # own protected ACL, then moved into place (a move keeps the ACL): Users never can read the key.
    # Returns $null once the script is in place, otherwise what Windows said (a full disk, a folder
    # Administrators may not write to); the staged copy is removed either way.
    $staging = Join-MeshPath -Directory $Params.stateDir -Name ('join-mesh-' + [guid]::NewGuid().ToString('N') + '.ps1')
    try {
        # The parent folder (5.1's -LiteralPath parameter set has no -Parent: it is the default).
        Confirm-MeshScriptFolder -Folder (Split-Path -LiteralPath $Params.joinScriptPath) -StateDir $Params.stateDir
        Write-MeshFile -Path $staging -Text $Params.joinScriptText
        Set-MeshAdminOnlyAcl -Path $staging
        Move-Item -LiteralPath $staging -Destination $Params.joinScriptPath -Force
        $null
    } catch {
        [string]$_.Exception.Message
    } finally {
        Remove-Item -LiteralPath $staging -Force -ErrorAction SilentlyContinue
    }
}

# ---- the route guard: the tailnet's subnet routes are accepted only when none covers this SSH path

function ConvertTo-MeshPrefix([string]$Text) {
    # "10.0.0.0/24", or an address (a host prefix), as its bytes and prefix length; $null if neither.
    $parts = $Text.Split('/')
    $address = $null
    if (-not [Net.IPAddress]::TryParse($parts[0], [ref]$address)) { return $null }
    $bytes = $address.GetAddressBytes()
    $bits = $bytes.Length * 8
    if ($parts.Count -gt 1) { $bits = [int]$parts[1] }
    @{ text = $Text; bytes = $bytes; bits = $bits }
}

function Test-MeshPrefixOverlap($A, $B) {
    # Two prefixes of one family overlap when they agree on the shorter one's bits.
    if ($A.bytes.Length -ne $B.bytes.Length) { return $false }
    $bits = [Math]::Min($A.bits, $B.bits)
    for ($bit = 0; $bit -lt $bits; $bit++) {
        $index = [int][Math]::Floor($bit / 8)
        $mask = 0x80 -shr ($bit % 8)
        if (($A.bytes[$index] -band $mask) -ne ($B.bytes[$index] -band $mask)) { return $false }
    }
    $true
}

function Get-MeshOfferedRoute {
    # The subnet routes other nodes offer (each peer's PrimaryRoutes); $null when the daemon does not say.
    $run = Invoke-MeshNative -FilePath $TailscaleExe -ArgumentList @('status', '--json') -TimeoutSeconds 30
    if ($run.exitCode -ne 0) { return $null }
    try {
        $status = $run.output | ConvertFrom-Json
    } catch {
        return $null
    }
    $routes = @()
    if ($status.PSObject.Properties['Peer'] -and $null -ne $status.Peer) {
        foreach ($peer in $status.Peer.PSObject.Properties) {
            if ($peer.Value.PSObject.Properties['PrimaryRoutes']) { $routes += @($peer.Value.PrimaryRoutes | Where-Object { $_ }) }
        }
    }
    , $routes
}

function Get-MeshOwnPrefix {
    # What must stay reachable outside the tailnet: the SSH client's address and the host's own LAN addresses.
    $prefixes = @()
    $client = (([string]$env:SSH_CLIENT) + ' ' + ([string]$env:SSH_CONNECTION)).Trim().Split(' ')[0]
    if ($client) { $prefixes += ConvertTo-MeshPrefix -Text $client }
    foreach ($address in @(Get-NetIPAddress -ErrorAction SilentlyContinue)) {
        $ip = [string]$address.IPAddress
        if ((Test-MeshAddress -Address $ip) -or $ip -match '^(127\.|::1$|fe80:)') { continue }
        $prefixes += ConvertTo-MeshPrefix -Text ($ip + '/' + [string]$address.PrefixLength)
    }
    @($prefixes | Where-Object { $null -ne $_ })
}

function Resolve-MeshRouteAcceptance {
    # Joined with routes off: turn them on only when no offered route covers what must stay reachable.
    $offered = Get-MeshOfferedRoute
    if ($null -eq $offered) {
        return @{ accepted = $false; reason = 'the routes the tailnet offers could not be read (tailscale status --json failed), so route acceptance stays off' }
    }
    $own = @(Get-MeshOwnPrefix)
    foreach ($route in $offered) {
        $prefix = ConvertTo-MeshPrefix -Text ([string]$route)
        if ($null -eq $prefix) { continue }
        foreach ($mine in $own) {
            if (Test-MeshPrefixOverlap -A $prefix -B $mine) {
                return @{ accepted = $false; reason = "the tailnet offers the route $route, which covers $($mine.text) (the SSH client or this host's own network): accepting it would send this connection into the tailnet, so route acceptance stays off" }
            }
        }
    }
    $run = Invoke-MeshNative -FilePath $TailscaleExe -ArgumentList @('set', '--accept-routes') -TimeoutSeconds 30
    if ($run.exitCode -ne 0) {
        return @{ accepted = $false; reason = "tailscale set --accept-routes failed, so route acceptance stays off: $($run.output)" }
    }
    @{ accepted = $true; reason = $null }
}

Protect-MeshFolder -Path $Params.stateDir
# A key file left by an attempt whose process was killed mid-join (no `finally` ran) goes first.
foreach ($staleKeyFile in @(Get-MeshKeyFile -StateDir $Params.stateDir)) {
    Remove-Item -LiteralPath $staleKeyFile -Force
}
# The service restart below applies both, changed or not.
$null = Set-MeshPolicy -Policy $Params.policy
$null = Set-MeshDaemonEnvironment -Change $Params.daemonEnv -StateDir $Params.stateDir
$serviceProblem = Restart-MeshService
if ($serviceProblem) {
    return @{ outcome = 'failed'; reason = 'service-not-running'; message = $serviceProblem; attempts = @() }
}
# Attempts count from the moment the daemon can answer.
$daemonProblem = Wait-MeshDaemon -Seconds $Params.daemonWaitSeconds
if ($daemonProblem) {
    return @{ outcome = 'failed'; reason = 'service-not-running'; message = $daemonProblem; attempts = @() }
}

$attempts = New-Object System.Collections.ArrayList
$upArguments = @('up') + @(Complete-MeshUpArgument -UpArgs $Params.upArgs -TimeoutSeconds $Params.timeoutSeconds)
$rule = $null
$last = $null
for ($number = 1; $number -le $Params.attempts; $number++) {
    Write-MeshProgress "tailscale up: attempt $number of $($Params.attempts)" @{ attempt = $number; of = $Params.attempts }
    $keyFile = Join-MeshPath -Directory $Params.stateDir -Name ('authkey-' + [guid]::NewGuid().ToString('N') + '.txt')
    try {
        Assert-MeshAdminOnlyFolder -Path $Params.stateDir
        Write-MeshFile -Path $keyFile -Text $Params.authKey
        # Killed if it outlives its own --timeout by the margin the provider gives.
        $run = Invoke-MeshNative -FilePath $TailscaleExe -ArgumentList ($upArguments + "--auth-key=file:$keyFile") -TimeoutSeconds ($Params.timeoutSeconds + $Params.upKillMarginSeconds)
    } finally {
        Remove-Item -LiteralPath $keyFile -Force -ErrorAction SilentlyContinue
    }

    $message = Protect-MeshSecret -Text $run.output -Secret $Params.authKey
    $rule = $null
    $class = 'joined'
    if ($run.exitCode -ne 0) {
        $rule = Find-MeshFailureRule -Output $message -Rules $Params.rules
        $class = 'other'
        if ($rule) { $class = $rule.class }
    }
    $last = @{ number = $number; class = $class; message = $message; seconds = $run.seconds }
    $null = $attempts.Add($last)

    if ($class -eq 'joined') {
        # The join script (if an earlier run left one) holds a key that is no longer needed.
        if (Test-Path -LiteralPath $Params.joinScriptPath -PathType Leaf) {
            Remove-Item -LiteralPath $Params.joinScriptPath -Force
        }
        $addresses = @(Wait-MeshTailscaleAddress)
        $nodeName = Get-MeshNodeName
        $restart = $null
        if ($Params.verifyRestart) {
            $check = Test-MeshRestart -Addresses $addresses -WaitSeconds $Params.daemonWaitSeconds -Why 'once to check the node survives it'
            $addresses = @($check.addresses)
            $restart = @{ verified = $check.verified; seen = $check.seen }
        }
        $routes = $null
        if ($Params.acceptRoutes) { $routes = Resolve-MeshRouteAcceptance }
        return @{ outcome = 'joined'; tailscaleIps = $addresses; nodeName = $nodeName; owner = Get-MeshAccountName; restart = $restart; attempts = $attempts; routes = $routes }
    }
    if ($rule -and -not $rule.retry) {
        return @{ outcome = 'failed'; reason = $class; message = $message; attempts = $attempts }
    }
    if ($number -lt $Params.attempts) {
        Write-MeshProgress "attempt $number of $($Params.attempts): $class, retrying in $($Params.retryDelaySeconds)s" @{ attempt = $number; of = $Params.attempts; class = $class }
        Start-Sleep -Seconds $Params.retryDelaySeconds
    }
}

# Attempts exhausted. An unknown failure (no rule) may be retried but is not handed to a person.
if ($rule -and $rule.manual) {
    $problem = Write-MeshJoinScript
    if ($problem) {
        $message = Protect-MeshSecret -Text ([string]$problem) -Secret $Params.authKey
        return @{ outcome = 'failed'; reason = 'join-script-unwritable'; message = $message; attempts = $attempts }
    }
    return @{ outcome = 'pending-manual'; reason = $last.class; attempts = $attempts }
}
@{ outcome = 'failed'; reason = $last.class; message = $last.message; attempts = $attempts }
