# Get-Acl, Set-Acl and the security descriptor objects (System.Security.AccessControl), which pwsh
# on Linux does not have. What they do is not decided here: owners and DACLs are modelled once for
# both back ends (simulator/security.ts), asked through the program socket (the program stand-in,
# copied as security-manager.ps1 into the sandbox's programs folder). A descriptor is its SDDL, as
# Windows' FileSystemSecurity reads and writes it; parameter sets are Windows PowerShell 5.1's.

function Invoke-SimSecurityManager([string]$Command, [string]$Path, [string]$Sddl = '') {
    # Returns the manager's output lines; a failure is thrown as the message it gives.
    $lines = @(& ([IO.Path]::Combine($SimProgramDir, 'security-manager.ps1')) $Command $Path $Sddl 2>&1 | ForEach-Object { [string]$_ })
    if ($LASTEXITCODE -ne 0) { throw [UnauthorizedAccessException]::new(($lines -join "`n")) }
    $lines
}

function New-SimSecurityDescriptor([string]$Sddl) {
    # A DirectorySecurity or FileSecurity as far as the scripts use it: its SDDL, read and written.
    $descriptor = [pscustomobject]@{ Sddl = $Sddl }
    $descriptor | Add-Member -MemberType ScriptMethod -Name SetSecurityDescriptorSddlForm -Value { param([string]$Text) $this.Sddl = $Text }
    $descriptor | Add-Member -MemberType ScriptMethod -Name GetSecurityDescriptorSddlForm -Value { param($Sections) $this.Sddl }
    $descriptor
}

function New-Object {
    # The security descriptor types are stand-ins; every other type is pwsh's own.
    [CmdletBinding(DefaultParameterSetName = 'Net')]
    param(
        [Parameter(ParameterSetName = 'Net', Mandatory, Position = 0)] [string]$TypeName,
        [Parameter(ParameterSetName = 'Com', Mandatory)] [string]$ComObject,
        [Parameter(ParameterSetName = 'Net', Position = 1)] [Alias('Args')] [object[]]$ArgumentList,
        [Parameter(ParameterSetName = 'Com')] [switch]$Strict,
        [hashtable]$Property
    )
    Set-StrictMode -Off
    if ($TypeName -in @('System.Security.AccessControl.DirectorySecurity', 'Security.AccessControl.DirectorySecurity',
            'System.Security.AccessControl.FileSecurity', 'Security.AccessControl.FileSecurity')) {
        Assert-SimSupported $PSBoundParameters 'New-Object' @('TypeName')
        return New-SimSecurityDescriptor -Sddl ''
    }
    Microsoft.PowerShell.Utility\New-Object @PSBoundParameters
}

function Get-Acl {
    [CmdletBinding(DefaultParameterSetName = 'ByPath')]
    param(
        [Parameter(ParameterSetName = 'ByPath', Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)] [string[]]$Path,
        [Parameter(ParameterSetName = 'ByInputObject', Mandatory, ValueFromPipelineByPropertyName)] [psobject]$InputObject,
        [Parameter(ParameterSetName = 'ByLiteralPath', ValueFromPipelineByPropertyName)] [Alias('PSPath')] [string[]]$LiteralPath,
        [switch]$Audit, [switch]$AllCentralAccessPolicies, [string]$Filter, [string[]]$Include, [string[]]$Exclude, [switch]$UseTransaction
    )
    process {
        Set-StrictMode -Off
        Assert-SimSupported $PSBoundParameters 'Get-Acl' @('LiteralPath')
        foreach ($item in $LiteralPath) {
            $canonical = ConvertTo-SimPath -Path $item
            New-SimSecurityDescriptor -Sddl ((Invoke-SimSecurityManager -Command 'get' -Path $canonical) -join '')
        }
    }
}

function Set-Acl {
    [CmdletBinding(DefaultParameterSetName = 'ByPath', SupportsShouldProcess)]
    param(
        [Parameter(ParameterSetName = 'ByPath', Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [string[]]$Path,
        [Parameter(ParameterSetName = 'ByInputObject', Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [psobject]$InputObject,
        [Parameter(ParameterSetName = 'ByLiteralPath', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath')] [string[]]$LiteralPath,
        [Parameter(Mandatory, Position = 1, ValueFromPipeline)] [object]$AclObject,
        [Parameter(ParameterSetName = 'ByPath')] [Parameter(ParameterSetName = 'ByLiteralPath')] [string]$CentralAccessPolicy,
        [switch]$Passthru, [string]$Filter, [string[]]$Include, [string[]]$Exclude, [switch]$ClearCentralAccessPolicy, [switch]$UseTransaction
    )
    process {
        Set-StrictMode -Off
        Assert-SimSupported $PSBoundParameters 'Set-Acl' @('LiteralPath', 'AclObject')
        foreach ($item in $LiteralPath) {
            $null = Invoke-SimSecurityManager -Command 'set' -Path (ConvertTo-SimPath -Path $item) -Sddl $AclObject.Sddl
        }
    }
}
