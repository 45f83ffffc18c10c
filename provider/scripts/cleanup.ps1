# cleanup: removes what the provider left on the host (secrets, and on delete the policies and daemon
# environment keys the node wrote); logs out and uninstalls when asked.
$removed = New-Object System.Collections.ArrayList
$messages = New-Object System.Collections.ArrayList

if (Test-Path -LiteralPath $Params.joinScriptPath -PathType Leaf) {
    Remove-Item -LiteralPath $Params.joinScriptPath -Force
    $null = $removed.Add($Params.joinScriptPath)
}
foreach ($keyFile in @(Get-MeshKeyFile -StateDir $Params.stateDir)) {
    Remove-Item -LiteralPath $keyFile -Force
    $null = $removed.Add($keyFile)
}

# On delete, what the node wrote besides, and nothing else: its own policies and its keys of the
# daemon's environment file (an update's cleanup of an old join script sends neither).
$writtenPolicies = @()
$entry = $Params.PSObject.Properties['writtenPolicies']
if ($null -ne $entry -and $null -ne $entry.Value) { $writtenPolicies = @($entry.Value) }
foreach ($name in $writtenPolicies) {
    if (Set-MeshPolicyValue -Name $name -Value $null) { $null = $removed.Add("$PolicyKey\$name") }
}
$envChanged = $false
$entry = $Params.PSObject.Properties['daemonEnv']
if ($null -ne $entry -and $null -ne $entry.Value) {
    $change = $entry.Value
    $ours = @(Read-MeshEnvFile -Path $change.path | ForEach-Object { Get-MeshEnvKey -Line $_ } | Where-Object { @($change.remove) -contains $_ })
    if ($ours.Count -gt 0) {
        # Other lines stay: the file is rewritten as the join writes it, staged in the state directory.
        Protect-MeshFolder -Path $Params.stateDir
        $envChanged = Set-MeshDaemonEnvironment -Change $change -StateDir $Params.stateDir
        $null = $removed.Add("$($change.path): $($ours -join ', ')")
    }
}

$installed = Test-Path -LiteralPath $TailscaleExe -PathType Leaf
$loggedOut = $false
if ($Params.logout -and $installed) {
    # Best effort: over SSH this can fail for the same reason `tailscale up` does.
    $run = Invoke-MeshNative -FilePath $TailscaleExe -ArgumentList @('logout') -TimeoutSeconds 60
    $loggedOut = $run.exitCode -eq 0
    if (-not $loggedOut) { $null = $messages.Add("tailscale logout failed: $($run.output)") }
}

$uninstalled = $false
if ($Params.uninstall -and $installed) {
    # The MSI's product code changes with every version: find it among the installed products.
    $product = Get-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\*' -ErrorAction SilentlyContinue |
        Where-Object { $_.PSObject.Properties['DisplayName'] -and $_.DisplayName -eq 'Tailscale' } |
        Select-Object -First 1
    if ($null -eq $product) {
        $null = $messages.Add('Tailscale is installed but not as an MSI product; uninstall it by hand')
    } else {
        $run = Invoke-MeshNative -FilePath 'msiexec.exe' -ArgumentList @('/x', $product.PSChildName, '/quiet', '/norestart', '/qn') -TimeoutSeconds 900
        $uninstalled = ($run.exitCode -eq 0 -or $run.exitCode -eq 3010)
        if (-not $uninstalled) { $null = $messages.Add("msiexec /x failed (exit code $($run.exitCode)): $($run.output)") }
    }
}

# tailscaled reads its environment at start only: without a restart it would keep the removed keys.
if ($envChanged -and $installed -and -not $uninstalled) {
    $serviceProblem = Restart-MeshService
    if ($serviceProblem) { $null = $messages.Add("the daemon's environment changed, but the $TailscaleService service did not restart: $serviceProblem") }
}

# The state directory goes only when nothing else is in it (a log a person may want stays).
if ((Test-Path -LiteralPath $Params.stateDir -PathType Container) -and -not (Get-ChildItem -LiteralPath $Params.stateDir -Force)) {
    Remove-Item -LiteralPath $Params.stateDir -Force
    $null = $removed.Add($Params.stateDir)
}

@{ removed = $removed; loggedOut = $loggedOut; uninstalled = $uninstalled; messages = $messages }
