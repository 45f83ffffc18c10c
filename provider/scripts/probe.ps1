# probe: what the host looks like now, in one round trip. Changes nothing.
$os = Get-CimInstance -ClassName Win32_OperatingSystem
$service = Get-Service -Name $TailscaleService -ErrorAction SilentlyContinue
$serviceState = $null
if ($null -ne $service) {
    $serviceState = @{ status = [string]$service.Status; startType = [string]$service.StartType }
}
function Get-MeshSystemPolicy([string[]]$Names) {
    # The system policies that concern the inputs, as set (by Group Policy, the MSI or this provider).
    $found = @{}
    foreach ($name in $Names) {
        $value = Get-MeshPolicyValue -Name $name
        if ($null -ne $value) { $found[$name] = $value }
    }
    $found
}

# The doctor's checks, when asked (create, update and `doctor`; a refresh stays passive).
$checkSettings = $Params.PSObject.Properties['checks']
$checks = $null
if ($checkSettings -and $null -ne $checkSettings.Value) { $checks = @(Get-MeshHostCheck -Settings $checkSettings.Value) }
@{
    checks = $checks
    computerName = $env:COMPUTERNAME
    os = @{ caption = [string]$os.Caption; version = [string]$os.Version }
    # Get-Host, not $PSVersionTable: the same version under powershell.exe, and a simulated host can answer it.
    powershellVersion = (Get-Host).Version.ToString()
    isAdmin = Test-MeshAdministrator
    arch = Get-MeshMsiArchitecture
    tailscale = @{ installed = (Test-Path -LiteralPath $TailscaleExe -PathType Leaf); version = Get-MeshTailscaleVersion }
    service = $serviceState
    policy = @{
        loginUrl = Get-MeshPolicyValue -Name 'LoginURL'
        unattendedMode = Get-MeshPolicyValue -Name 'UnattendedMode'
        hostname = Get-MeshPolicyValue -Name 'Hostname'
    }
    systemPolicies = Get-MeshSystemPolicy -Names @($Params.policyNames)
    daemonEnv = Get-MeshDaemonEnvironment -Path $Params.daemonEnvPath
    prefs = Get-MeshTailscalePrefs -Path $Params.tailscaleStatePath
    joinScriptPresent = Test-Path -LiteralPath $Params.joinScriptPath -PathType Leaf
    keyFiles = @(Get-MeshKeyFile -StateDir $Params.stateDir)
    tailscaleIps = @(Get-MeshTailscaleAddress)
    wingetAvailable = $null -ne (Get-Command -Name 'winget' -CommandType Application -ErrorAction SilentlyContinue)
}
