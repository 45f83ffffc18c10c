# Windows PowerShell 5.1's language, for the scripts the simulated host runs: pwsh 7 parses more
# than 5.1 does, so what 5.1 would reject is found in the syntax tree and reported as 5.1 reports a
# parse error, before anything runs.

function Find-SimNewerSyntax([string]$Text) {
    # The first construct Windows PowerShell 5.1 cannot parse (or binds differently), as its error
    # message would read, or $null.
    $tokens = $null
    $errors = $null
    $ast = [Management.Automation.Language.Parser]::ParseInput($Text, [ref]$tokens, [ref]$errors)
    if ($errors.Count -gt 0) { return "At line:$($errors[0].Extent.StartLineNumber) $($errors[0].Message)" }
    $problems = [ordered]@{
        'TernaryExpressionAst' = "Unexpected token '?' in expression or statement."
        'PipelineChainAst' = "The token '&&' or '||' is not a valid statement separator in this version."
    }
    $found = $ast.Find({
            param($node)
            if ($problems.Contains($node.GetType().Name)) { return $true }
            if ($node -is [Management.Automation.Language.BinaryExpressionAst] -and $node.Operator -eq 'QuestionQuestion') { return $true }
            if ($node -is [Management.Automation.Language.AssignmentStatementAst] -and $node.Operator -eq 'QuestionQuestionEquals') { return $true }
            if (($node -is [Management.Automation.Language.MemberExpressionAst] -or $node -is [Management.Automation.Language.IndexExpressionAst]) -and $node.NullConditional) { return $true }
            if ($node -is [Management.Automation.Language.ScriptBlockAst] -and $null -ne $node.CleanBlock) { return $true }
            if ($node -is [Management.Automation.Language.PipelineAst] -and $node.Background) { return $true }
            if ($node -is [Management.Automation.Language.CommandAst] -and $node.GetCommandName() -in @('ForEach-Object', '%', 'foreach')) {
                return [bool]($node.CommandElements | Where-Object { $_ -is [Management.Automation.Language.CommandParameterAst] -and $_.ParameterName -in @('Parallel', 'ThrottleLimit', 'AsJob') })
            }
            $false
        }, $true)
    if ($null -eq $found) { return $null }
    $message = $problems[$found.GetType().Name]
    if (-not $message) { $message = "Unexpected token '$($found.Extent.Text)' in expression or statement." }
    "At line:$($found.Extent.StartLineNumber) char:$($found.Extent.StartColumnNumber)`n+ $($found.Extent.Text)`n$message"
}
