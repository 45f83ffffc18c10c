# Content and path cmdlets over the simulated Windows drives (items.ps1 holds the items themselves):
# Set-, Add- and Get-Content with what Windows PowerShell 5.1's encodings do to text, and Join- and
# Split-Path for drive paths. Paths that are not drive paths fall through to the real cmdlets.

function ConvertTo-SimFileText($Value, [string]$Encoding, [bool]$NoNewline) {
    # File content as text, with what 5.1's encodings do to it: Byte writes the bytes as given, UTF8
    # and the UTF-16/32 forms begin with a byte order mark (kept as U+FEFF), ASCII and the ANSI code
    # page (the default) turn what they cannot hold into '?'. Each value is a line ending in CRLF.
    if ($Encoding -eq 'Byte') { return [Text.Encoding]::UTF8.GetString([byte[]]@($Value)) }
    $lines = @($Value | ForEach-Object { [string]$_ })
    $text = if ($NoNewline) { $lines -join '' } else { ($lines -join "`r`n") + "`r`n" }
    switch ($Encoding) {
        'Ascii' { return [regex]::Replace($text, '[^\x00-\x7F]', '?') }
        { $_ -in @('', 'Default', 'Oem') } { return [regex]::Replace($text, '[^\x00-\xFF]', '?') }
        'UTF7' { return $text }
        default { return [string][char]0xFEFF + $text }
    }
}

function Set-SimContent($Bound, [string]$Command, [bool]$Append) {
    Assert-SimSupported $Bound $Command @('Path', 'LiteralPath', 'Value', 'Encoding', 'NoNewline', 'Force')
    $state = Read-SimState
    $targets = @(Resolve-SimDrivePath -State $state -Path $Bound['Path'] -LiteralPath $Bound['LiteralPath'])
    foreach ($target in $targets) {
        $text = ConvertTo-SimFileText -Value $Bound['Value'] -Encoding ([string]$Bound['Encoding']) -NoNewline ([bool]$Bound['NoNewline'])
        $existing = Get-SimEntry -State $state -Path $target
        if ($null -ne $existing -and $existing.kind -eq 'dir') { throw [UnauthorizedAccessException]::new("Access to the path '$target' is denied.") }
        if ($Append -and $null -ne $existing) {
            # Appended text carries no second byte order mark.
            $text = $state.files[$existing.path].content + $text.TrimStart([char]0xFEFF)
        }
        Write-SimFile -State $state -Path $target -Content $text
    }
    Save-SimState -State $state
}

function Set-Content {
    [CmdletBinding(DefaultParameterSetName = 'Path', SupportsShouldProcess)]
    param(
        [Parameter(ParameterSetName = 'Path', Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [string[]]$Path,
        [Parameter(ParameterSetName = 'LiteralPath', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath')] [string[]]$LiteralPath,
        [Parameter(Mandatory, Position = 1, ValueFromPipeline, ValueFromPipelineByPropertyName)] [AllowNull()] [AllowEmptyCollection()] [object[]]$Value,
        [switch]$PassThru, [string]$Filter, [string[]]$Include, [string[]]$Exclude, [switch]$Force, [pscredential]$Credential,
        [switch]$UseTransaction, [switch]$NoNewline, [ValidateSet('Unknown', 'String', 'Unicode', 'Byte', 'BigEndianUnicode', 'UTF8', 'UTF7', 'UTF32', 'Ascii', 'Default', 'Oem', 'BigEndianUTF32')] [string]$Encoding,
        [string]$Stream
    )
    begin {
        Set-StrictMode -Off
        $collected = New-Object System.Collections.Generic.List[object]
    }
    process { foreach ($item in @($Value)) { $collected.Add($item) } }
    end {
        if ((Get-SimPathKind -Paths (@($Path) + @($LiteralPath))) -ne 'drive') {
            throw [NotSupportedException]::new('simulator: Set-Content outside the simulated drives is not simulated')
        }
        $bound = @{} + $PSBoundParameters
        $bound['Value'] = $collected.ToArray()
        Set-SimContent -Bound $bound -Command 'Set-Content' -Append $false
    }
}

function Add-Content {
    [CmdletBinding(DefaultParameterSetName = 'Path', SupportsShouldProcess)]
    param(
        [Parameter(ParameterSetName = 'Path', Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [string[]]$Path,
        [Parameter(ParameterSetName = 'LiteralPath', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath')] [string[]]$LiteralPath,
        [Parameter(Mandatory, Position = 1, ValueFromPipeline, ValueFromPipelineByPropertyName)] [AllowNull()] [AllowEmptyCollection()] [object[]]$Value,
        [switch]$PassThru, [string]$Filter, [string[]]$Include, [string[]]$Exclude, [switch]$Force, [pscredential]$Credential,
        [switch]$UseTransaction, [switch]$NoNewline, [ValidateSet('Unknown', 'String', 'Unicode', 'Byte', 'BigEndianUnicode', 'UTF8', 'UTF7', 'UTF32', 'Ascii', 'Default', 'Oem', 'BigEndianUTF32')] [string]$Encoding,
        [string]$Stream
    )
    begin {
        Set-StrictMode -Off
        $collected = New-Object System.Collections.Generic.List[object]
    }
    process { foreach ($item in @($Value)) { $collected.Add($item) } }
    end {
        if ((Get-SimPathKind -Paths (@($Path) + @($LiteralPath))) -ne 'drive') {
            throw [NotSupportedException]::new('simulator: Add-Content outside the simulated drives is not simulated')
        }
        $bound = @{} + $PSBoundParameters
        $bound['Value'] = $collected.ToArray()
        Set-SimContent -Bound $bound -Command 'Add-Content' -Append $true
    }
}

function Get-Content {
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(ParameterSetName = 'Path', Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [string[]]$Path,
        [Parameter(ParameterSetName = 'LiteralPath', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath')] [string[]]$LiteralPath,
        [long]$ReadCount = 1, [Alias('First', 'Head')] [long]$TotalCount = -1, [Alias('Last')] [int]$Tail = -1,
        [string]$Filter, [string[]]$Include, [string[]]$Exclude, [switch]$Force, [pscredential]$Credential, [switch]$UseTransaction,
        [string]$Delimiter, [switch]$Wait, [switch]$Raw,
        [ValidateSet('Unknown', 'String', 'Unicode', 'Byte', 'BigEndianUnicode', 'UTF8', 'UTF7', 'UTF32', 'Ascii', 'Default', 'Oem', 'BigEndianUTF32')] [string]$Encoding,
        [string]$Stream
    )
    process {
        Set-StrictMode -Off
        $kind = Get-SimPathKind -Paths (@($Path) + @($LiteralPath))
        if ($kind -eq 'other') { return Microsoft.PowerShell.Management\Get-Content @PSBoundParameters }
        Assert-SimSupported $PSBoundParameters 'Get-Content' @('Path', 'LiteralPath', 'TotalCount', 'Tail', 'Raw', 'Encoding')
        $state = Read-SimState
        foreach ($target in @(Resolve-SimDrivePath -State $state -Path $Path -LiteralPath $LiteralPath)) {
            $entry = Get-SimEntry -State $state -Path $target
            if ($null -eq $entry) { Write-SimPathNotFound -Path $target; continue }
            if ($entry.kind -ne 'file' -or $entry.system) { throw [NotSupportedException]::new("simulator: reading $($entry.path) is not simulated") }
            $content = [string]$state.files[$entry.path].content
            if ($Encoding -eq 'Byte') {
                $bytes = [Text.Encoding]::UTF8.GetBytes($content)
                if ($Raw) { , $bytes } else { $bytes }
                continue
            }
            # A byte order mark tells Get-Content the encoding; it is not part of the text.
            $text = $content.TrimStart([char]0xFEFF)
            if ($Raw) { $text; continue }
            $lines = @([regex]::Split($text, "`r`n|`n|`r"))
            if ($lines.Count -gt 0 -and $lines[-1] -eq '') { $lines = @($lines | Select-Object -SkipLast 1) }
            if ($TotalCount -ge 0) { $lines = @($lines | Select-Object -First $TotalCount) }
            if ($Tail -ge 0) { $lines = @($lines | Select-Object -Last $Tail) }
            $lines
        }
    }
}

function Get-FileHash {
    # A simulated file's hash: its bytes (an upload's), or its text as UTF-8 (what Set-Content -Encoding Byte wrote).
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(ParameterSetName = 'Path', Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [string[]]$Path,
        [Parameter(ParameterSetName = 'LiteralPath', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath')] [string[]]$LiteralPath,
        [Parameter(ParameterSetName = 'Stream', Mandatory, Position = 0)] [IO.Stream]$InputStream,
        [ValidateSet('SHA1', 'SHA256', 'SHA384', 'SHA512', 'MACTripleDES', 'MD5', 'RIPEMD160')] [string]$Algorithm = 'SHA256'
    )
    process {
        Set-StrictMode -Off
        $kind = Get-SimPathKind -Paths (@($Path) + @($LiteralPath))
        if ($kind -eq 'other') { return Microsoft.PowerShell.Utility\Get-FileHash @PSBoundParameters }
        Assert-SimSupported $PSBoundParameters 'Get-FileHash' @('Path', 'LiteralPath', 'Algorithm')
        if ($Algorithm -ne 'SHA256') { throw [NotSupportedException]::new("simulator: only SHA256 is simulated") }
        $state = Read-SimState
        foreach ($target in @(Resolve-SimDrivePath -State $state -Path $Path -LiteralPath $LiteralPath)) {
            $entry = Get-SimEntry -State $state -Path $target
            if ($null -eq $entry) { Write-SimPathNotFound -Path $target; continue }
            $bytes = Get-SimFileBytes -File $state.files[$entry.path]
            $hash = [BitConverter]::ToString([Security.Cryptography.SHA256]::Create().ComputeHash($bytes)).Replace('-', '')
            [pscustomobject]@{ Algorithm = 'SHA256'; Hash = $hash; Path = $entry.path }
        }
    }
}

function Join-Path {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)] [Alias('PSPath')] [string[]]$Path,
        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)] [AllowNull()] [AllowEmptyString()] [string]$ChildPath,
        [switch]$Resolve, [pscredential]$Credential, [switch]$UseTransaction
    )
    process {
        Set-StrictMode -Off
        if ((Get-SimPathKind -Paths $Path) -ne 'drive') { return Microsoft.PowerShell.Management\Join-Path @PSBoundParameters }
        Assert-SimSupported $PSBoundParameters 'Join-Path' @('Path', 'ChildPath')
        foreach ($item in $Path) { $item.TrimEnd('\', '/') + '\' + $ChildPath.TrimStart('\', '/') }
    }
}

function Split-Path {
    [CmdletBinding(DefaultParameterSetName = 'ParentSet')]
    param(
        [Parameter(ParameterSetName = 'ParentSet', Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Parameter(ParameterSetName = 'LeafSet', Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Parameter(ParameterSetName = 'QualifierSet', Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Parameter(ParameterSetName = 'NoQualifierSet', Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Parameter(ParameterSetName = 'IsAbsoluteSet', Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)] [string[]]$Path,
        [Parameter(ParameterSetName = 'LiteralPathSet', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath')] [string[]]$LiteralPath,
        [Parameter(ParameterSetName = 'ParentSet')] [switch]$Parent,
        [Parameter(ParameterSetName = 'LeafSet')] [switch]$Leaf,
        [Parameter(ParameterSetName = 'QualifierSet', Mandatory)] [switch]$Qualifier,
        [Parameter(ParameterSetName = 'NoQualifierSet', Mandatory)] [switch]$NoQualifier,
        [Parameter(ParameterSetName = 'IsAbsoluteSet', Mandatory)] [switch]$IsAbsolute,
        [switch]$Resolve, [pscredential]$Credential, [switch]$UseTransaction
    )
    process {
        Set-StrictMode -Off
        if ((Get-SimPathKind -Paths (@($Path) + @($LiteralPath))) -ne 'drive') { return Microsoft.PowerShell.Management\Split-Path @PSBoundParameters }
        Assert-SimSupported $PSBoundParameters 'Split-Path' @('Path', 'LiteralPath', 'Parent', 'Leaf')
        foreach ($item in @($Path) + @($LiteralPath) | Where-Object { $_ }) {
            $canonical = ConvertTo-SimPath -Path $item
            if ($Leaf) { Get-SimLeafName -Path $canonical } elseif ($canonical.Length -gt 3) { Get-SimParentPath -Path $canonical } else { '' }
        }
    }
}
