# Item cmdlets over the simulated Windows drives (HostState.files / .dirs) and HKLM (registry.ps1).
# Drive paths are compared case-insensitively, new items inherit their folder's readers, and errors
# read as Windows PowerShell 5.1 writes them. Paths that are neither fall through to the real cmdlets.

function Get-SimPathKind([string[]]$Paths) {
    # 'drive', 'registry' or 'other' (fall through); mixing kinds in one call is not simulated.
    $kinds = @($Paths | Where-Object { $_ } | ForEach-Object {
            if (Test-SimDrivePath -Path $_) { 'drive' } elseif (Test-SimRegistryPath -Path $_) { 'registry' } else { 'other' }
        } | Select-Object -Unique)
    if ($kinds.Count -gt 1) { throw [NotSupportedException]::new('simulator: one call mixing Windows and other paths is not simulated') }
    if ($kinds.Count -eq 0) { return 'other' }
    $kinds[0]
}

function Resolve-SimDrivePath($State, [string[]]$Path, [string[]]$LiteralPath) {
    # -LiteralPath as given; -Path may end in a wildcard, matched against what the folder holds
    # (so, as on Windows, a -Path with [brackets] does not find the file that has them in its name).
    foreach ($item in $LiteralPath) { ConvertTo-SimPath -Path $item }
    foreach ($item in $Path) {
        if (-not [WildcardPattern]::ContainsWildcardCharacters($item)) { ConvertTo-SimPath -Path $item; continue }
        $cut = ($item -replace '/', '\').LastIndexOf('\')
        $folder = $item.Substring(0, $cut)
        if ([WildcardPattern]::ContainsWildcardCharacters($folder)) { throw [NotSupportedException]::new("simulator: wildcards above the last name of $item are not simulated") }
        $pattern = [WildcardPattern]::new($item.Substring($cut + 1), [Management.Automation.WildcardOptions]::IgnoreCase)
        foreach ($child in @(Get-SimChildPath -State $State -Directory (ConvertTo-SimPath -Path $folder))) {
            if ($pattern.IsMatch((Get-SimLeafName -Path $child))) { $child }
        }
    }
}

function New-SimFileItem($State, [string]$Path) {
    $entry = Get-SimEntry -State $State -Path $Path
    $leaf = Get-SimLeafName -Path $entry.path
    $length = 0
    if ($entry.kind -eq 'file' -and -not $entry.system) { $length = (Get-SimFileBytes -File $State.files[$entry.path]).Length }
    [pscustomobject]@{
        Name = $leaf; FullName = $entry.path; PSChildName = $leaf
        PSPath = "Microsoft.PowerShell.Core\FileSystem::$($entry.path)"
        PSParentPath = "Microsoft.PowerShell.Core\FileSystem::$(Get-SimParentPath -Path $entry.path)"
        PSIsContainer = $entry.kind -eq 'dir'; Length = $length
        # The simulated drives have no junctions or symbolic links: never a ReparsePoint.
        Attributes = if ($entry.kind -eq 'dir') { [IO.FileAttributes]::Directory } else { [IO.FileAttributes]::Archive }
    }
}

function Write-SimPathNotFound([string]$Path) {
    Write-SimError -Message "Cannot find path '$Path' because it does not exist." -Category ObjectNotFound -Id 'PathNotFound' -Target $Path
}

function Test-Path {
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(ParameterSetName = 'Path', Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)] [string[]]$Path,
        [Parameter(ParameterSetName = 'LiteralPath', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath')] [string[]]$LiteralPath,
        [string]$Filter, [string[]]$Include, [string[]]$Exclude,
        [Alias('Type')] [ValidateSet('Any', 'Container', 'Leaf')] [string]$PathType = 'Any',
        [switch]$IsValid, [pscredential]$Credential, [switch]$UseTransaction, [datetime]$OlderThan, [datetime]$NewerThan
    )
    process {
        Set-StrictMode -Off
        $pipes = @(@($Path) + @($LiteralPath) | Where-Object { $_ -like '\\.\pipe\*' })
        if ($pipes.Count -gt 0) {
            # A named pipe: the service manager knows whether the daemon has opened its pipe yet.
            Assert-SimSupported $PSBoundParameters 'Test-Path' @('LiteralPath')
            foreach ($pipe in $pipes) { (Invoke-SimServiceManager -Command 'Test-Pipe' -Name $pipe).exists }
            return
        }
        $kind = Get-SimPathKind -Paths (@($Path) + @($LiteralPath))
        if ($kind -eq 'other') { return Microsoft.PowerShell.Management\Test-Path @PSBoundParameters }
        Assert-SimSupported $PSBoundParameters 'Test-Path' @('Path', 'LiteralPath', 'PathType')
        $state = Read-SimState
        $wanted = switch ($PathType) { 'Container' { @('dir') } 'Leaf' { @('file') } default { @('dir', 'file') } }
        $queries = @($Path | Where-Object { $_ } | ForEach-Object { @{ Path = @($_) } }) + @($LiteralPath | Where-Object { $_ } | ForEach-Object { @{ LiteralPath = @($_) } })
        foreach ($query in $queries) {
            if ($kind -eq 'registry') {
                $keys = @(Resolve-SimRegistryPath -State $state @query | Where-Object { $null -ne (Get-SimRegistryKey -State $state -Path $_) })
                ($keys.Count -gt 0 -and $PathType -ne 'Leaf')
                continue
            }
            try {
                $entries = @(Resolve-SimDrivePath -State $state @query | ForEach-Object { Get-SimEntry -State $state -Path $_ } | Where-Object { $_ })
            } catch [IO.IOException] {
                # A name Windows cannot have does not exist.
                $false
                continue
            }
            (@($entries | Where-Object { $_.kind -in $wanted }).Count -gt 0)
        }
    }
}

function New-Item {
    [CmdletBinding(DefaultParameterSetName = 'pathSet', SupportsShouldProcess)]
    param(
        [Parameter(ParameterSetName = 'pathSet', Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [Parameter(ParameterSetName = 'nameSet', Position = 0, ValueFromPipelineByPropertyName)] [string[]]$Path,
        [Parameter(ParameterSetName = 'nameSet', Mandatory, ValueFromPipelineByPropertyName)] [AllowNull()] [AllowEmptyString()] [string]$Name,
        [Alias('Type')] [string]$ItemType,
        [Parameter(ValueFromPipeline)] [Alias('Target')] [object]$Value,
        [switch]$Force, [pscredential]$Credential, [switch]$UseTransaction
    )
    process {
        Set-StrictMode -Off
        $targets = @($Path | ForEach-Object { if ($Name) { ($_.TrimEnd('\') + '\' + $Name) } else { $_ } })
        $kind = Get-SimPathKind -Paths $targets
        if ($kind -eq 'other') { return Microsoft.PowerShell.Management\New-Item @PSBoundParameters }
        Assert-SimSupported $PSBoundParameters 'New-Item' @('Path', 'Name', 'ItemType', 'Value', 'Force')
        $state = Read-SimState
        foreach ($target in $targets) {
            if ($kind -eq 'registry') {
                if (-not (Test-SimRegistryWrite -State $state -Path $target)) { continue }
                $key = New-SimRegistryKey -State $state -Path (ConvertTo-SimRegistryPath -Path $target) -Force $Force.IsPresent
                Save-SimState -State $state
                New-SimRegistryItem -Key (Get-SimRegistryKey -State $state -Path $key)
                continue
            }
            $canonical = ConvertTo-SimPath -Path $target
            $existing = Get-SimEntry -State $state -Path $canonical
            if ($ItemType -in @('Directory', 'directory')) {
                if ($null -ne $existing) {
                    if (-not $Force -or $existing.kind -ne 'dir') {
                        Write-SimError -Message "An item with the specified name $canonical already exists." -Category ResourceExists -Id 'DirectoryExist' -Target $canonical
                        continue
                    }
                } else {
                    $parent = Get-SimParentPath -Path $canonical
                    if ($null -eq (Get-SimEntry -State $state -Path $parent)) {
                        if (-not $Force) {
                            Write-SimError -Message "Could not find a part of the path '$canonical'." -Category WriteError -Id 'CreateDirectoryIOError' -Target $canonical
                            continue
                        }
                        $null = New-Item -Path $parent -ItemType Directory -Force
                        $state = Read-SimState
                    }
                    Assert-SimWritable -State $state -Path $canonical
                    $state.dirs[$canonical] = @(Get-SimDirectoryReaders -State $state -Path $parent)
                    Save-SimState -State $state
                }
            } elseif ($ItemType -in @('', 'File', 'file')) {
                if ($null -ne $existing -and -not $Force) {
                    Write-SimError -Message "The file '$canonical' already exists." -Category WriteError -Id 'NewItemIOError' -Target $canonical
                    continue
                }
                $text = if ($null -eq $Value) { '' } else { [string]$Value }
                Write-SimFile -State $state -Path $canonical -Content $text
                Save-SimState -State $state
            } else {
                throw [NotSupportedException]::new("simulator: New-Item -ItemType $ItemType is not simulated")
            }
            New-SimFileItem -State $state -Path $canonical
        }
    }
}

function Remove-Item {
    [CmdletBinding(DefaultParameterSetName = 'Path', SupportsShouldProcess)]
    param(
        [Parameter(ParameterSetName = 'Path', Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [string[]]$Path,
        [Parameter(ParameterSetName = 'LiteralPath', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath')] [string[]]$LiteralPath,
        [string]$Filter, [string[]]$Include, [string[]]$Exclude, [switch]$Recurse, [switch]$Force,
        [pscredential]$Credential, [switch]$UseTransaction, [string[]]$Stream
    )
    process {
        Set-StrictMode -Off
        $kind = Get-SimPathKind -Paths (@($Path) + @($LiteralPath))
        if ($kind -eq 'other') { return Microsoft.PowerShell.Management\Remove-Item @PSBoundParameters }
        if ($kind -eq 'registry') { throw [NotSupportedException]::new('simulator: removing registry keys is not simulated') }
        Assert-SimSupported $PSBoundParameters 'Remove-Item' @('Path', 'LiteralPath', 'Recurse', 'Force')
        $state = Read-SimState
        foreach ($target in @(Resolve-SimDrivePath -State $state -Path $Path -LiteralPath $LiteralPath)) {
            $entry = Get-SimEntry -State $state -Path $target
            if ($null -eq $entry) { Write-SimPathNotFound -Path $target; continue }
            if ($entry.system) { throw [NotSupportedException]::new("simulator: removing $($entry.path) is not simulated") }
            Move-SimSecurity -State $state -From $entry.path -To ''
            if ($entry.kind -eq 'file') {
                $state.files.Remove($entry.path)
            } else {
                $children = @(Get-SimChildPath -State $state -Directory $entry.path)
                if ($children.Count -gt 0 -and -not $Recurse) {
                    # Non-interactive, 5.1 cannot ask for confirmation and fails.
                    Write-SimError -Message "The item at $($entry.path) has children and the Recurse parameter was not specified." -Category InvalidOperation -Id 'RemoveItemIOError' -Target $entry.path
                    continue
                }
                foreach ($key in @($state.files.Keys) + @($state.dirs.Keys)) {
                    if ($key.StartsWith($entry.path + '\', [StringComparison]::OrdinalIgnoreCase)) { $state.files.Remove($key); $state.dirs.Remove($key) }
                }
                $state.dirs.Remove($entry.path)
            }
        }
        Save-SimState -State $state
    }
}

function Move-Item {
    [CmdletBinding(DefaultParameterSetName = 'Path', SupportsShouldProcess)]
    param(
        [Parameter(ParameterSetName = 'Path', Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)] [string[]]$Path,
        [Parameter(ParameterSetName = 'LiteralPath', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath')] [string[]]$LiteralPath,
        [Parameter(Position = 1, ValueFromPipelineByPropertyName)] [string]$Destination,
        [switch]$Force, [string]$Filter, [string[]]$Include, [string[]]$Exclude, [switch]$PassThru,
        [pscredential]$Credential, [switch]$UseTransaction
    )
    process {
        Set-StrictMode -Off
        $kind = Get-SimPathKind -Paths (@($Path) + @($LiteralPath) + @($Destination))
        if ($kind -eq 'other') { return Microsoft.PowerShell.Management\Move-Item @PSBoundParameters }
        if ($kind -eq 'registry') { throw [NotSupportedException]::new('simulator: moving registry keys is not simulated') }
        Assert-SimSupported $PSBoundParameters 'Move-Item' @('Path', 'LiteralPath', 'Destination', 'Force')
        $state = Read-SimState
        foreach ($source in @(Resolve-SimDrivePath -State $state -Path $Path -LiteralPath $LiteralPath)) {
            $entry = Get-SimEntry -State $state -Path $source
            if ($null -eq $entry) { Write-SimPathNotFound -Path $source; continue }
            if ($entry.kind -ne 'file' -or $entry.system) { throw [NotSupportedException]::new("simulator: moving $($entry.path) is not simulated") }
            $target = ConvertTo-SimPath -Path $Destination
            $existing = Get-SimEntry -State $state -Path $target
            if ($null -ne $existing -and $existing.kind -eq 'dir') { $target = $existing.path + '\' + (Get-SimLeafName -Path $entry.path); $existing = Get-SimEntry -State $state -Path $target }
            if ($null -ne $existing) {
                if (-not $Force) {
                    Write-SimError -Message 'Cannot create a file when that file already exists.' -Category WriteError -Id 'MoveFileInfoItemIOError' -Target $entry.path
                    continue
                }
                $state.files.Remove($existing.path)
            }
            $null = Assert-SimFolder -State $state -Path $target
            Move-SimSecurity -State $state -From $entry.path -To $target
            # A move on one volume keeps the file's own security descriptor.
            $file = $state.files[$entry.path]
            $state.files.Remove($entry.path)
            $state.files[$target] = $file
            Test-SimExposure -State $state -Path $target
        }
        Save-SimState -State $state
    }
}

function Get-Item {
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(ParameterSetName = 'Path', Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)] [string[]]$Path,
        [Parameter(ParameterSetName = 'LiteralPath', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath')] [string[]]$LiteralPath,
        [string]$Filter, [string[]]$Include, [string[]]$Exclude, [switch]$Force, [pscredential]$Credential, [switch]$UseTransaction, [string[]]$Stream
    )
    process {
        Set-StrictMode -Off
        $kind = Get-SimPathKind -Paths (@($Path) + @($LiteralPath))
        if ($kind -eq 'other') { return Microsoft.PowerShell.Management\Get-Item @PSBoundParameters }
        if ($kind -eq 'registry') { throw [NotSupportedException]::new('simulator: Get-Item on registry keys is not simulated') }
        Assert-SimSupported $PSBoundParameters 'Get-Item' @('Path', 'LiteralPath', 'Force')
        $state = Read-SimState
        foreach ($target in @(Resolve-SimDrivePath -State $state -Path $Path -LiteralPath $LiteralPath)) {
            if ($null -eq (Get-SimEntry -State $state -Path $target)) { Write-SimPathNotFound -Path $target; continue }
            New-SimFileItem -State $state -Path $target
        }
    }
}

function Get-ChildItem {
    [CmdletBinding(DefaultParameterSetName = 'Items')]
    param(
        [Parameter(ParameterSetName = 'Items', Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)] [string[]]$Path,
        [Parameter(ParameterSetName = 'LiteralItems', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath')] [string[]]$LiteralPath,
        [Parameter(Position = 1)] [string]$Filter, [string[]]$Include, [string[]]$Exclude,
        [Alias('s')] [switch]$Recurse, [uint32]$Depth, [switch]$Force, [switch]$Name, [switch]$UseTransaction,
        [System.Management.Automation.FlagsExpression[System.IO.FileAttributes]]$Attributes,
        [Alias('ad', 'd')] [switch]$Directory, [Alias('af')] [switch]$File, [Alias('ah', 'h')] [switch]$Hidden,
        [Alias('ar')] [switch]$ReadOnly, [Alias('as')] [switch]$System
    )
    process {
        Set-StrictMode -Off
        $kind = Get-SimPathKind -Paths (@($Path) + @($LiteralPath))
        if ($kind -eq 'other') { return Microsoft.PowerShell.Management\Get-ChildItem @PSBoundParameters }
        if ($kind -eq 'registry') { throw [NotSupportedException]::new('simulator: listing registry keys is not simulated') }
        Assert-SimSupported $PSBoundParameters 'Get-ChildItem' @('Path', 'LiteralPath', 'Filter', 'Force', 'File', 'Directory')
        $state = Read-SimState
        foreach ($folder in @(Resolve-SimDrivePath -State $state -Path $Path -LiteralPath $LiteralPath)) {
            $entry = Get-SimEntry -State $state -Path $folder
            if ($null -eq $entry) { Write-SimPathNotFound -Path $folder; continue }
            if ($entry.kind -eq 'file') { New-SimFileItem -State $state -Path $entry.path; continue }
            foreach ($child in @(Get-SimChildPath -State $state -Directory $entry.path)) {
                $childEntry = Get-SimEntry -State $state -Path $child
                if ($File -and $childEntry.kind -ne 'file') { continue }
                if ($Directory -and $childEntry.kind -ne 'dir') { continue }
                if ($Filter -and -not ((Get-SimLeafName -Path $child) -like $Filter)) { continue }
                New-SimFileItem -State $state -Path $child
            }
        }
    }
}
