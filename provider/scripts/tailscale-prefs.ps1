# The node's Tailscale preferences, read back passively from the daemon's state file: never through
# the CLI, since over SSH the daemon may refuse the session (another account owns it), and a refresh
# must not disturb it. Where the daemon keeps them (tailscale/tailscale, read at v1.103.0):
#   ipn/store/stores.go FileStore: %ProgramData%\Tailscale\server-state.conf is one JSON object,
#     state key -> the bytes as base64;
#   ipn/ipnlocal/profiles.go: on Windows the profile the service starts with is named (as
#     'profile-<hex id>') by 'server-mode-start-key', written while unattended mode is on (which
#     every join sets); '_current-profile' names it on other systems; that key holds ipn.Prefs;
#   ipn/prefs.go: ipn.Prefs as JSON: CorpDNS, ShieldsUp, RouteAll, ExitNodeID, ExitNodeIP,
#     AutoExitNode (omitted when empty), ExitNodeAllowLANAccess.
# THE FILE HOLDS PRIVATE KEYS (_machinekey, the profile's Config): only the named preferences leave
# Get-MeshTailscalePrefs, as booleans and short strings; any failure is $null, with no message, since
# a parser's message may quote the file.

function Get-MeshStoreText($Store, [string]$Key) {
    # One entry of the store, decoded; $null when it is absent or null.
    $entry = $Store.PSObject.Properties[$Key]
    if ($null -eq $entry -or $null -eq $entry.Value) { return $null }
    [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String([string]$entry.Value))
}

function Get-MeshPrefFlag($Prefs, [string]$Name) {
    # A boolean preference; $null when the daemon did not write it.
    $entry = $Prefs.PSObject.Properties[$Name]
    if ($null -eq $entry -or $entry.Value -isnot [bool]) { return $null }
    $entry.Value
}

function Get-MeshPrefText($Prefs, [string]$Name) {
    # A string preference; '' when it is empty or absent.
    $entry = $Prefs.PSObject.Properties[$Name]
    if ($null -eq $entry -or $entry.Value -isnot [string]) { return '' }
    $entry.Value
}

function Get-MeshTailscalePrefs([string]$Path) {
    try {
        if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) { return $null }
        $store = [string](Get-Content -LiteralPath $Path -Raw -Encoding UTF8) | ConvertFrom-Json
        $profileKey = $null
        foreach ($startKey in @('server-mode-start-key', '_current-profile')) {
            $profileKey = Get-MeshStoreText -Store $store -Key $startKey
            if ($profileKey) { break }
        }
        # Only a profile's key is followed: never another entry of the store (the machine key).
        if (-not ($profileKey -cmatch '^profile-[0-9a-z]+$')) { return $null }
        $prefsText = Get-MeshStoreText -Store $store -Key $profileKey
        if (-not $prefsText) { return $null }
        $prefs = $prefsText | ConvertFrom-Json
        # The exit node as the daemon holds it: auto:<expression>, else an address not yet resolved, else the node's ID.
        $exitNode = $null
        $auto = Get-MeshPrefText -Prefs $prefs -Name 'AutoExitNode'
        $exitIp = Get-MeshPrefText -Prefs $prefs -Name 'ExitNodeIP'
        $exitId = Get-MeshPrefText -Prefs $prefs -Name 'ExitNodeID'
        if ($auto) { $exitNode = "auto:$auto" } elseif ($exitIp) { $exitNode = $exitIp } elseif ($exitId) { $exitNode = $exitId }
        return @{
            acceptDns = Get-MeshPrefFlag -Prefs $prefs -Name 'CorpDNS'
            shieldsUp = Get-MeshPrefFlag -Prefs $prefs -Name 'ShieldsUp'
            acceptRoutes = Get-MeshPrefFlag -Prefs $prefs -Name 'RouteAll'
            exitNode = $exitNode
            exitNodeAllowLanAccess = Get-MeshPrefFlag -Prefs $prefs -Name 'ExitNodeAllowLANAccess'
        }
    } catch {
        return $null
    }
}
