# cleanup: removes what the provider left on the host; logs out and uninstalls when asked.
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

# The state directory goes only when nothing else is in it (a log a person may want stays).
if ((Test-Path -LiteralPath $Params.stateDir -PathType Container) -and -not (Get-ChildItem -LiteralPath $Params.stateDir -Force)) {
    Remove-Item -LiteralPath $Params.stateDir -Force
    $null = $removed.Add($Params.stateDir)
}

@{ removed = $removed; loggedOut = $loggedOut; uninstalled = $uninstalled; messages = $messages }
