# configure: applies a change of the node's own policies or of the daemon's environment file to a
# node that is joined, without a new `tailscale up` (no auth key comes with it). Both are written by
# the functions the join step uses; the service reads them only at start (a hand-written policy
# value applies after a restart), so it is restarted once when either changed, and not otherwise.

Protect-MeshFolder -Path $Params.stateDir
$addresses = @(Get-MeshTailscaleAddress)
$changed = @(Set-MeshPolicy -Policy $Params.policy)
if (Set-MeshDaemonEnvironment -Change $Params.daemonEnv -StateDir $Params.stateDir) { $changed += 'daemon environment file' }

$restart = $null
if ($changed.Count -gt 0) {
    $check = Test-MeshRestart -Addresses $addresses -WaitSeconds $Params.daemonWaitSeconds -Why "to apply what changed: $($changed -join ', ')"
    $addresses = @($check.addresses)
    $restart = @{ verified = $check.verified; seen = $check.seen }
}
@{ outcome = 'configured'; changed = $changed; restart = $restart; tailscaleIps = $addresses }
