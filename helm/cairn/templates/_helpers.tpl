{{- define "cairn.labels" -}}
app.kubernetes.io/name: cairn-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: cairn
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | quote }}
{{- end }}

{{- define "cairn.selector" -}}
app.kubernetes.io/name: cairn-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- /* The monitoring objects' labels: the chart's and the user's (metrics.labels). */ -}}
{{- define "cairn.metricsLabels" -}}
{{ include "cairn.labels" . }}
{{- with .Values.metrics.labels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- /* repository@digest pins the exact image; otherwise repository:tag (default appVersion). */ -}}
{{- define "cairn.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
{{- end }}
