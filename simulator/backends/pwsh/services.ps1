# Service cmdlets for the one service modelled, Tailscale (HostState.tailscale.service; null = not
# installed). The scenario's service.startFails makes every start fail as Windows reports it.
# Parameter sets are Windows PowerShell 5.1's (no AutomaticDelayedStart, no -Credential).

function Get-SimService($State, [string]$Name) {
    if ($null -eq $State.tailscale.service -or -not [string]::Equals($Name, 'Tailscale', [StringComparison]::OrdinalIgnoreCase)) { return $null }
    [pscustomobject]@{
        Name = 'Tailscale'; ServiceName = 'Tailscale'; DisplayName = 'Tailscale'
        Status = $State.tailscale.service.status; StartType = $State.tailscale.service.startType
    }
}

function Write-SimServiceNotFound([string]$Name) {
    Write-SimError -Message "Cannot find any service with service name '$Name'." -Category ObjectNotFound -Id 'NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand' -Target $Name
}

function Set-SimServiceStatus([string]$Name, [string]$Status, [string]$Command) {
    # Returns the service after the change, or $null after writing the error Windows would write.
    $state = Read-SimState
    $service = Get-SimService -State $state -Name $Name
    if ($null -eq $service) { Write-SimServiceNotFound -Name $Name; return $null }
    if ($Status -eq 'Running') {
        $scenario = [IO.File]::ReadAllText($SimScenarioPath) | Microsoft.PowerShell.Utility\ConvertFrom-Json -AsHashtable
        $fails = $null -ne $scenario['service'] -and $scenario['service']['startFails']
        if ($fails -or $state.tailscale.service.startType -eq 'Disabled') {
            $state.tailscale.service.status = 'Stopped'
            Save-SimState -State $state
            $message = if ($Command -eq 'Restart-Service') { "Failed to start service 'Tailscale (Tailscale)'." } else { "Service 'Tailscale (Tailscale)' cannot be started due to the following error: Cannot start service Tailscale on computer '.'." }
            Write-SimError -Message $message -Category OpenError -Id "CouldNotStartService,Microsoft.PowerShell.Commands.$($Command -replace '-', '')Command" -Target $service
            return $null
        }
    }
    $state.tailscale.service.status = $Status
    Save-SimState -State $state
    Get-SimService -State $state -Name $Name
}

function Get-Service {
    [CmdletBinding(DefaultParameterSetName = 'Default')]
    param(
        [Parameter(ParameterSetName = 'Default', Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)] [Alias('ServiceName')] [string[]]$Name,
        [Parameter(ValueFromPipelineByPropertyName)] [Alias('Cn')] [string[]]$ComputerName,
        [Alias('DS')] [switch]$DependentServices, [Alias('SDO', 'ServicesDependedOn')] [switch]$RequiredServices,
        [Parameter(ParameterSetName = 'DisplayName', Mandatory)] [string[]]$DisplayName,
        [string[]]$Include, [string[]]$Exclude,
        [Parameter(ParameterSetName = 'InputObject', ValueFromPipeline)] [psobject[]]$InputObject
    )
    process {
        Set-StrictMode -Off
        Assert-SimSupported $PSBoundParameters 'Get-Service' @('Name')
        $state = Read-SimState
        foreach ($serviceName in $Name) {
            $service = Get-SimService -State $state -Name $serviceName
            if ($null -eq $service) { Write-SimServiceNotFound -Name $serviceName } else { $service }
        }
    }
}

function Set-Service {
    [CmdletBinding(DefaultParameterSetName = 'Name', SupportsShouldProcess)]
    param(
        [Parameter(ParameterSetName = 'Name', Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [Alias('ServiceName', 'SN')] [string]$Name,
        [Parameter(ParameterSetName = 'InputObject', ValueFromPipeline)] [psobject]$InputObject,
        [Parameter(ValueFromPipelineByPropertyName)] [Alias('cn')] [string[]]$ComputerName,
        [Alias('DN')] [string]$DisplayName, [string]$Description,
        [Alias('StartMode', 'SM', 'ST')] [ValidateSet('Boot', 'System', 'Automatic', 'Manual', 'Disabled')] [string]$StartupType,
        [ValidateSet('Running', 'Stopped', 'Paused')] [string]$Status,
        [switch]$PassThru
    )
    process {
        Set-StrictMode -Off
        Assert-SimSupported $PSBoundParameters 'Set-Service' @('Name', 'StartupType')
        $state = Read-SimState
        $service = Get-SimService -State $state -Name $Name
        if ($null -eq $service) {
            Write-SimError -Message "Service $Name was not found on computer '.'." -Category ObjectNotFound -Id 'InvalidOperationException,Microsoft.PowerShell.Commands.SetServiceCommand' -Target $Name
            return
        }
        if ($StartupType) { $state.tailscale.service.startType = $StartupType }
        Save-SimState -State $state
    }
}

function Start-Service {
    [CmdletBinding(DefaultParameterSetName = 'InputObject', SupportsShouldProcess)]
    param(
        [Parameter(ParameterSetName = 'InputObject', Mandatory, Position = 0, ValueFromPipeline)] [psobject[]]$InputObject,
        [Parameter(ParameterSetName = 'Default', Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)] [Alias('ServiceName')] [string[]]$Name,
        [Parameter(ParameterSetName = 'DisplayName', Mandatory)] [string[]]$DisplayName,
        [switch]$PassThru, [string[]]$Include, [string[]]$Exclude
    )
    process {
        Set-StrictMode -Off
        Assert-SimSupported $PSBoundParameters 'Start-Service' @('Name', 'InputObject', 'PassThru')
        foreach ($serviceName in @($Name) + @($InputObject | ForEach-Object { $_.Name }) | Where-Object { $_ }) {
            $service = Set-SimServiceStatus -Name $serviceName -Status 'Running' -Command 'Start-Service'
            if ($PassThru -and $service) { $service }
        }
    }
}

function Stop-Service {
    [CmdletBinding(DefaultParameterSetName = 'InputObject', SupportsShouldProcess)]
    param(
        [Parameter(ParameterSetName = 'InputObject', Mandatory, Position = 0, ValueFromPipeline)] [psobject[]]$InputObject,
        [Parameter(ParameterSetName = 'Default', Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)] [Alias('ServiceName')] [string[]]$Name,
        [Parameter(ParameterSetName = 'DisplayName', Mandatory)] [string[]]$DisplayName,
        [switch]$Force, [switch]$NoWait, [switch]$PassThru, [string[]]$Include, [string[]]$Exclude
    )
    process {
        Set-StrictMode -Off
        Assert-SimSupported $PSBoundParameters 'Stop-Service' @('Name', 'InputObject', 'Force', 'PassThru')
        foreach ($serviceName in @($Name) + @($InputObject | ForEach-Object { $_.Name }) | Where-Object { $_ }) {
            $service = Set-SimServiceStatus -Name $serviceName -Status 'Stopped' -Command 'Stop-Service'
            if ($PassThru -and $service) { $service }
        }
    }
}

function Restart-Service {
    [CmdletBinding(DefaultParameterSetName = 'InputObject', SupportsShouldProcess)]
    param(
        [Parameter(ParameterSetName = 'InputObject', Mandatory, Position = 0, ValueFromPipeline)] [psobject[]]$InputObject,
        [Parameter(ParameterSetName = 'Default', Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)] [Alias('ServiceName')] [string[]]$Name,
        [Parameter(ParameterSetName = 'DisplayName', Mandatory)] [string[]]$DisplayName,
        [switch]$Force, [switch]$PassThru, [string[]]$Include, [string[]]$Exclude
    )
    process {
        Set-StrictMode -Off
        Assert-SimSupported $PSBoundParameters 'Restart-Service' @('Name', 'InputObject', 'Force', 'PassThru')
        foreach ($serviceName in @($Name) + @($InputObject | ForEach-Object { $_.Name }) | Where-Object { $_ }) {
            if ($null -eq (Set-SimServiceStatus -Name $serviceName -Status 'Stopped' -Command 'Restart-Service')) { continue }
            $service = Set-SimServiceStatus -Name $serviceName -Status 'Running' -Command 'Restart-Service'
            if ($PassThru -and $service) { $service }
        }
    }
}
