# append: one chunk of a file the provider sends over the step channel, where the SSH server offers
# no SFTP. The first chunk creates (or empties) the file; every chunk must land where the last one
# ended, so a lost or repeated chunk fails instead of leaving a file that only looks complete.
$bytes = [Convert]::FromBase64String($Params.data)
if ($Params.offset -eq 0) {
    $null = New-Item -Path $Params.path -ItemType File -Force
}
$length = (Get-Item -LiteralPath $Params.path -Force).Length
if ($length -ne $Params.offset) {
    throw "$($Params.path) holds $length bytes, not $($Params.offset): a chunk was lost or sent twice; send the file again from its start"
}
Add-Content -LiteralPath $Params.path -Value $bytes -Encoding Byte
@{ length = (Get-Item -LiteralPath $Params.path -Force).Length }
