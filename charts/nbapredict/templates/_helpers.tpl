{{/* Chart name, truncated to the 63 characters Kubernetes allows in names. */}}
{{- define "nbapredict.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-scoped base name of every object. */}}
{{- define "nbapredict.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "nbapredict.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "nbapredict.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component (graph, workers, postgresql, redis): pass (list $ "graph"). */}}
{{- define "nbapredict.selectorLabels" -}}
app.kubernetes.io/name: {{ include "nbapredict.name" (index . 0) }}
app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "nbapredict.imageTag" -}}
{{- .Values.image.tag | default .Chart.AppVersion -}}
{{- end -}}

{{/* The Secret holding the connection strings: the operator's, or the chart's. */}}
{{- define "nbapredict.secretName" -}}
{{- if .Values.existingSecret -}}
{{- .Values.existingSecret -}}
{{- else -}}
{{- include "nbapredict.fullname" . -}}
{{- end -}}
{{- end -}}

{{/* Environment of a component (pass (list $ "graph")): configuration from the ConfigMap, credentials from the Secret. */}}
{{- define "nbapredict.env" -}}
{{- $root := index . 0 -}}
envFrom:
  - configMapRef:
      name: {{ include "nbapredict.fullname" $root }}
env:
  - name: OTEL_SERVICE_NAME
    value: {{ printf "nbapredict-%s" (index . 1) }}
  - name: ConnectionStrings__Postgres
    valueFrom:
      secretKeyRef:
        name: {{ include "nbapredict.secretName" $root }}
        key: postgres-connection-string
  - name: ConnectionStrings__Redis
    valueFrom:
      secretKeyRef:
        name: {{ include "nbapredict.secretName" $root }}
        key: redis-connection-string
  # Optional: an existingSecret without S3 keys leaves them unset, and the SDK's default credential chain applies.
  - name: Models__S3__AccessKey
    valueFrom:
      secretKeyRef:
        name: {{ include "nbapredict.secretName" $root }}
        key: s3-access-key
        optional: true
  - name: Models__S3__SecretKey
    valueFrom:
      secretKeyRef:
        name: {{ include "nbapredict.secretName" $root }}
        key: s3-secret-key
        optional: true
{{- end -}}
