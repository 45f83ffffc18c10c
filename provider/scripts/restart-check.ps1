# Shared by the join and configure steps: restart the Tailscale service once and check the node
# comes back on the mesh with the same addresses.

function Wait-MeshTailscaleAddress {
    # `up` returns once the node is Running; the adapter can take a moment to show its address.
    for ($second = 0; $second -lt 10; $second++) {
        $addresses = @(Get-MeshTailscaleAddress)
        if ($addresses.Count -gt 0) { return $addresses }
        Start-Sleep -Seconds 1
    }
}

function Test-MeshRestart([string[]]$Addresses, [int]$WaitSeconds, [string]$Why) {
    # Nodes have been seen logged out after a service restart (tailscale#3186): restart once and
    # check the adapter comes back with the same addresses (the adapter, not the CLI, which the
    # SSH session may not reach). $Why ends the progress line.
    Write-MeshProgress "restarting the Tailscale service $Why"
    try {
        Restart-Service -Name $TailscaleService -Force
    } catch {
        return @{ verified = $false; seen = [string]$_.Exception.Message; addresses = @() }
    }
    $problem = Wait-MeshDaemon -Seconds $WaitSeconds
    if ($problem) { return @{ verified = $false; seen = $problem; addresses = @() } }
    $after = @(Wait-MeshTailscaleAddress)
    $before = ($Addresses | Sort-Object) -join ', '
    $now = ($after | Sort-Object) -join ', '
    if ($now -ne $before) {
        return @{ verified = $false; seen = "after the restart the node's addresses are [$now], not [$before]"; addresses = $after }
    }
    @{ verified = $true; seen = "the node came back with [$now]"; addresses = $after }
}
