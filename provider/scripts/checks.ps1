# checks: the doctor's read-only look at what on this host stands in the way of a deployment. Part of
# the probe step (same round trip); changes nothing. Each check: id, status pass|warn|fail, what was
# seen, what to do. The bootstrap has already refused a PowerShell outside FullLanguage mode.

function New-MeshCheck([string]$Id, [string]$Status, [string]$Seen, [string]$Fix) {
    @{ id = $Id; status = $Status; seen = $Seen; fix = $Fix }
}

function Test-MeshRegistryValue([string]$Key, [string]$Name) {
    $null -ne (Get-ItemProperty -LiteralPath $Key -Name $Name -ErrorAction SilentlyContinue)
}

function Get-MeshPendingReboot {
    # msiexec fails with 1603 more often while Windows waits for a reboot.
    if (Test-Path -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending') { 'Component Based Servicing' }
    if (Test-Path -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired') { 'Windows Update' }
    if (Test-MeshRegistryValue -Key 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager' -Name 'PendingFileRenameOperations') { 'PendingFileRenameOperations' }
}

function Get-MeshWebCheck($Target, [int]$TimeoutSeconds) {
    # A bounded HEAD request from the host itself; its Date header gives the clock's skew.
    $hostName = ([uri]$Target.url).Host
    try {
        # Through the proxy the host's downloads use, when the target names one (install.proxy).
        $proxyParameters = Get-MeshProxyParameter -Settings $Target
        $answer = Invoke-WebRequest -Uri $Target.url -Method Head -UseBasicParsing -TimeoutSec $TimeoutSeconds @proxyParameters
        $check = New-MeshCheck -Id $Target.id -Status 'pass' -Seen "$hostName answered HTTP $([int]$answer.StatusCode)" -Fix ''
        @{ check = $check; date = [string]$answer.Headers['Date'] }
    } catch {
        # An HTTP error status is still an answer (5.1 throws on 4xx/5xx): the server is reachable.
        $response = $null
        if ($_.Exception.PSObject.Properties['Response']) { $response = $_.Exception.Response }
        if ($null -ne $response) {
            $check = New-MeshCheck -Id $Target.id -Status 'pass' -Seen "$hostName answered HTTP $([int]$response.StatusCode)" -Fix ''
            return @{ check = $check; date = [string]$response.Headers['Date'] }
        }
        $check = New-MeshCheck -Id $Target.id -Status 'fail' -Seen "$hostName did not answer within $TimeoutSeconds s: $($_.Exception.Message)" -Fix "let the host reach $hostName over HTTPS (firewall, proxy: install.proxy for the host's downloads, daemon.httpsProxy for tailscaled)"
        @{ check = $check; date = '' }
    }
}

function Get-MeshHostCheck($Settings) {
    $checks = New-Object System.Collections.ArrayList
    if (Test-MeshAdministrator) {
        $null = $checks.Add((New-MeshCheck -Id 'administrator' -Status 'pass' -Seen "$(Get-MeshAccountName) is an elevated administrator" -Fix ''))
    } else {
        $null = $checks.Add((New-MeshCheck -Id 'administrator' -Status 'fail' -Seen "$(Get-MeshAccountName) has no elevated administrator token over SSH" -Fix 'connect as a member of the local Administrators group (installing Tailscale and writing its policy need it)'))
    }
    $version = (Get-Host).Version
    $status = 'pass'
    if ($version.Major -lt 5 -or ($version.Major -eq 5 -and $version.Minor -lt 1)) { $status = 'warn' }
    $null = $checks.Add((New-MeshCheck -Id 'powershell' -Status $status -Seen "PowerShell $version in FullLanguage mode" -Fix 'install Windows Management Framework 5.1'))

    $shell = Get-ItemProperty -LiteralPath 'HKLM:\SOFTWARE\OpenSSH' -Name 'DefaultShell' -ErrorAction SilentlyContinue
    $seen = 'cmd.exe (DefaultShell not set)'
    if ($null -ne $shell) { $seen = [string]$shell.DefaultShell }
    $null = $checks.Add((New-MeshCheck -Id 'default-shell' -Status 'pass' -Seen "OpenSSH's default shell: $seen" -Fix ''))

    $reboot = @(Get-MeshPendingReboot)
    if ($reboot.Count -gt 0) {
        $null = $checks.Add((New-MeshCheck -Id 'pending-reboot' -Status 'warn' -Seen "a reboot is pending ($($reboot -join ', '))" -Fix 'reboot the host before installing: msiexec often fails with 1603 meanwhile'))
    } else {
        $null = $checks.Add((New-MeshCheck -Id 'pending-reboot' -Status 'pass' -Seen 'no reboot pending' -Fix ''))
    }

    $disk = Get-CimInstance -ClassName Win32_LogicalDisk -Filter "DeviceID='C:'"
    $freeMb = [int]([double]$disk.FreeSpace / 1048576)
    $status = 'pass'
    if ($freeMb -lt 1024) { $status = 'warn' }
    if ($freeMb -lt 200) { $status = 'fail' }
    $null = $checks.Add((New-MeshCheck -Id 'disk-space' -Status $status -Seen "$freeMb MB free on C:" -Fix 'free at least 1 GB on C: (the MSI, its install and logs)'))

    $tls = [enum]::GetNames([Net.SecurityProtocolType]) -contains 'Tls12'
    if ($tls) {
        $null = $checks.Add((New-MeshCheck -Id 'tls12' -Status 'pass' -Seen '.NET offers TLS 1.2' -Fix ''))
    } else {
        $null = $checks.Add((New-MeshCheck -Id 'tls12' -Status 'fail' -Seen '.NET on this host has no TLS 1.2' -Fix 'install .NET Framework 4.5 or later (pkgs.tailscale.com needs TLS 1.2)'))
    }

    $service = Get-Service -Name $TailscaleService -ErrorAction SilentlyContinue
    $seen = 'not installed'
    if (Test-Path -LiteralPath $TailscaleExe -PathType Leaf) {
        $seen = "version $(Get-MeshTailscaleVersion), service "
        if ($null -ne $service) { $seen += [string]$service.Status } else { $seen += 'missing' }
    }
    $null = $checks.Add((New-MeshCheck -Id 'tailscale' -Status 'pass' -Seen "Tailscale: $seen" -Fix ''))

    # The tray app connects to the daemon as its session's account; another account's takes the daemon
    # over from the account a join runs as, and the node drops off (tailscale#12989, #21328).
    $me = Get-MeshAccountName
    $trays = @(Get-Process -Name 'tailscale-ipn' -IncludeUserName -ErrorAction SilentlyContinue | Where-Object { [string]$_.UserName -ne $me } | ForEach-Object { "$($_.UserName) (pid $($_.Id))" })
    if ($trays.Count -gt 0) {
        $null = $checks.Add((New-MeshCheck -Id 'tailscale-tray' -Status 'warn' -Seen "Tailscale's tray app runs for $($trays -join ', ')" -Fix "sign that account out or close its tray app before joining as $me; otherwise it switches the daemon to its own profile and this node drops off"))
    } else {
        $null = $checks.Add((New-MeshCheck -Id 'tailscale-tray' -Status 'pass' -Seen "no other account's Tailscale tray app runs" -Fix ''))
    }

    # Other VPN clients fight over routes and DNS, and some over UDP 41641 (the seed's "VPN conflict").
    $vpnPattern = 'NordVPN|NordLynx|ExpressVPN|WireGuard|OpenVPN|TAP-Windows|AnyConnect|Cisco|FortiClient|Fortinet|GlobalProtect|PANGP|Pulse Secure|ZeroTier|Mullvad|ProtonVPN|Surfshark|Windscribe'
    $vpns = @(Get-NetAdapter -ErrorAction SilentlyContinue | Where-Object { ($_.Name -match $vpnPattern -or $_.InterfaceDescription -match $vpnPattern) -and $_.InterfaceDescription -notlike 'Tailscale*' } | ForEach-Object { "$($_.Name) ($($_.InterfaceDescription))" })
    if ($vpns.Count -gt 0) {
        $null = $checks.Add((New-MeshCheck -Id 'vpn-adapters' -Status 'warn' -Seen "other VPN adapters: $($vpns -join '; ')" -Fix 'disconnect or uninstall the other VPN client, or make sure it leaves 100.64.0.0/10 and DNS to Tailscale'))
    } else {
        $null = $checks.Add((New-MeshCheck -Id 'vpn-adapters' -Status 'pass' -Seen 'no other VPN adapter' -Fix ''))
    }

    $owners = @(Get-NetUDPEndpoint -LocalPort 41641 -ErrorAction SilentlyContinue | ForEach-Object {
            $process = Get-CimInstance -ClassName Win32_Process -Filter "ProcessId=$([int]$_.OwningProcess)"
            if ($null -ne $process -and [string]$process.Name -ne 'tailscaled.exe') { "$($process.Name) (pid $([int]$_.OwningProcess))" }
        })
    if ($owners.Count -gt 0) {
        $null = $checks.Add((New-MeshCheck -Id 'udp-41641' -Status 'warn' -Seen "UDP 41641 is bound by $($owners -join ', ')" -Fix 'stop that program or move it off UDP 41641; tailscaled then falls back to another port, which direct connections through strict NATs may not get'))
    } else {
        $null = $checks.Add((New-MeshCheck -Id 'udp-41641' -Status 'pass' -Seen 'UDP 41641 is free or held by tailscaled' -Fix ''))
    }

    $date = ''
    foreach ($target in @($Settings.urls)) {
        $web = Get-MeshWebCheck -Target $target -TimeoutSeconds $Settings.timeoutSeconds
        $null = $checks.Add($web.check)
        if (-not $date -and $web.date) { $date = $web.date }
    }
    if ($date) {
        # RFC 1123 ('r'), parsed culture-invariantly: a German or French Windows reads the same date.
        $served = [datetime]::ParseExact($date, 'r', [Globalization.CultureInfo]::InvariantCulture)
        $skew = [int]((Get-Date).ToUniversalTime() - $served).TotalSeconds
        $status = 'pass'
        if ([Math]::Abs($skew) -gt 300) { $status = 'warn' }
        $null = $checks.Add((New-MeshCheck -Id 'clock' -Status $status -Seen "the host's clock differs from the server's by about $([int]($skew / 60)) min" -Fix 'sync the clock (w32tm /resync): certificates and node keys are checked against it'))
    }
    $checks.ToArray()
}
