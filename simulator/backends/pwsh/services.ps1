# Service cmdlets for the one service modelled, Tailscale. What they do to the host is not decided
# here: the service manager is modelled once for both back ends (simulator/programs/services.ts), and
# each cmdlet asks it through the program socket (the program stand-in, copied as service-manager.ps1 into
# the sandbox's programs folder), then writes what it answers: the service, or the error Windows
# writes. Parameter sets are Windows PowerShell 5.1's (no AutomaticDelayedStart, no -Credential).

function Invoke-SimServiceManager([string]$Command, [string]$Name, [string]$StartupType = '') {
    # Returns the service after the command, or $null after writing the cmdlet's (non-terminating) error.
    $answer = (& ([IO.Path]::Combine($SimProgramDir, 'service-manager.ps1')) $Command $Name $StartupType) -join "`n" | Microsoft.PowerShell.Utility\ConvertFrom-Json
    if ($null -ne $answer.error) {
        Write-SimError -Message $answer.error.message -Category $answer.error.category -Id $answer.error.id -Target $Name
        return $null
    }
    if ($null -ne $answer.pipe) { return $answer.pipe }
    $service = $answer.service
    [pscustomobject]@{ Name = $service.name; ServiceName = $service.name; DisplayName = $service.name; Status = $service.status; StartType = $service.startType }
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
        foreach ($serviceName in $Name) { Invoke-SimServiceManager -Command 'Get-Service' -Name $serviceName }
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
        $null = Invoke-SimServiceManager -Command 'Set-Service' -Name $Name -StartupType $StartupType
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
            $service = Invoke-SimServiceManager -Command 'Start-Service' -Name $serviceName
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
            $service = Invoke-SimServiceManager -Command 'Stop-Service' -Name $serviceName
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
            $service = Invoke-SimServiceManager -Command 'Restart-Service' -Name $serviceName
            if ($PassThru -and $service) { $service }
        }
    }
}
